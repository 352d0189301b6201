// One channel for a launched program's stdout and stderr (console internalConsole). Two pipes lose
// the order between them: the adapter reads whichever has data, so a line written to stderr
// between two stdout lines shows up before or after both. As in a terminal, both descriptors of
// the program are one socket here, read in the order the program wrote.
import { once } from "node:events";
import net from "node:net";

export interface SharedOutput {
  /** handed to the program as its fd 1 and fd 2; close it once the program has started */
  programEnd: net.Socket;
  /** what the program writes to either, in order */
  ourEnd: net.Socket;
}

export async function sharedOutput(): Promise<SharedOutput> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const { port } = server.address() as net.AddressInfo;
    const programEnd = net.connect(port, "127.0.0.1");
    const connecting = once(programEnd, "connect");
    // only our own connection (its port is known once connected): any other dialler is dropped
    const ourEnd = await new Promise<net.Socket>((resolve) => {
      const accept = async (socket: net.Socket) => {
        await connecting;
        if (socket.remotePort !== programEnd.localPort) return socket.destroy();
        server.off("connection", accept);
        resolve(socket);
      };
      server.on("connection", accept);
    });
    ourEnd.end(); // the program never reads it: a read of its stdout sees end of file
    return { programEnd, ourEnd };
  } finally {
    server.close();
  }
}
