"""A small web app to debug inside a container (standard library only).

GET /hello?name=NAME answers {"message": "hello, NAME", "length": N}.
"""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def greeting(name: str) -> dict:
    message = "hello, " + name  # set a breakpoint here
    return {"message": message, "length": len(message)}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path != "/hello":
            self.send_error(404)
            return
        name = parse_qs(url.query).get("name", ["world"])[0]
        body = json.dumps(greeting(name)).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8000"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    print("serving on http://0.0.0.0:%d/hello?name=you" % port)
    server.serve_forever()
