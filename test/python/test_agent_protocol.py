"""The agent protocol's declaration (pdap.agent_protocol) against what the agent really does, and the
two kinds of failed request its dispatch answers."""
import json
import os
import socket
import subprocess
import sys
import unittest

from pdap import agent_protocol, errors
from pdap.agent import Agent
from pdap.handlers import LEAVE_COMMANDS, PROTOCOL_MESSAGES
from pdap.protocol import Link

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(agent_protocol.__file__)))


class KeysRead(dict):
    """An empty argument object that notes every key a handler looks for."""

    def __init__(self) -> None:
        super().__init__()
        self.read = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


class AgentProtocolTest(unittest.TestCase):
    agent: Agent

    @classmethod
    def setUpClass(cls) -> None:
        cls.agent = Agent()  # never started: no tracing, no link

    def test_handshake_has_exactly_the_declared_fields(self) -> None:
        info = self.agent.info()
        self.assertEqual(tuple(info), agent_protocol.HANDSHAKE_FIELDS)
        self.assertEqual(info["protocol"], agent_protocol.PROTOCOL_VERSION)
        self.assertEqual(info["commands"], list(agent_protocol.AGENT_REQUESTS))

    def test_the_handled_commands_are_the_declared_ones(self) -> None:
        handled = (set(self.agent.requests.table) | set(LEAVE_COMMANDS)) - set(PROTOCOL_MESSAGES)
        self.assertEqual(sorted(handled), list(agent_protocol.AGENT_REQUESTS))
        self.assertEqual(list(agent_protocol.AGENT_REQUESTS), sorted(agent_protocol.AGENT_REQUESTS))
        self.assertIn("configure", self.agent.requests.table)
        self.assertNotIn("configure", agent_protocol.AGENT_REQUESTS)

    def test_configure_reads_the_declared_options(self) -> None:
        args = KeysRead()
        self.agent.requests.table["configure"](args)
        self.agent.requests.timeline._limit(args)  # recordMemory: read only when record is on
        # stopOnEntry is read after configure, from agent.options, by python -m pdap
        with open(os.path.join(PYTHON_DIR, "pdap", "__main__.py"), encoding="utf-8") as f:
            self.assertIn('options.get("stopOnEntry")', f.read())
        self.assertEqual(args.read | {"stopOnEntry"}, set(agent_protocol.CONFIGURE_OPTIONS))

    def test_declaration_is_json_and_importing_it_starts_nothing(self) -> None:
        code = ("import json, sys, threading, pdap.agent_protocol as p; print(json.dumps(p.declaration())); "
                "assert sys.gettrace() is None and threading.active_count() == 1, 'side effects'; "
                "assert 'pdap.debugger' not in sys.modules, 'imports the debugger'")
        run = subprocess.run([sys.executable, "-c", code], cwd=PYTHON_DIR, capture_output=True, text=True,
                             env=dict(os.environ, PYTHONPATH=PYTHON_DIR), timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        declared = json.loads(run.stdout)
        self.assertEqual(declared["handshake"], list(agent_protocol.HANDSHAKE_FIELDS))
        self.assertEqual(declared["commands"], list(agent_protocol.AGENT_REQUESTS))
        self.assertEqual(declared["errors"], errors.ERROR_IDS)
        self.assertEqual(set(declared), {"protocol", "handshake", "configure", "childAnnouncement", "commands",
                                         "errors"})


class DispatchErrorsTest(unittest.TestCase):
    """A RequestError is answered with its id and shown; anything else is pdap's fault (INTERNAL)."""

    def setUp(self) -> None:
        self.agent = Agent()
        ours, theirs = socket.socketpair()
        self.link, self.peer = Link(ours), Link(theirs)
        self.addCleanup(self.link.close)
        self.addCleanup(self.peer.close)

    def answer(self, command, arguments=None):
        request = {"seq": 7, "type": "request", "command": command}
        if arguments is not None:
            request["arguments"] = arguments
        self.agent._dispatch(self.link, request)
        response = self.peer.read()
        assert response is not None
        self.assertEqual(response["request_seq"], 7)
        return response

    def error_of(self, command, arguments=None):
        response = self.answer(command, arguments)
        self.assertFalse(response["success"], response)
        error = response["body"]["error"]
        self.assertEqual(error["format"], response["message"])
        return error

    def test_client_mistakes_have_their_ids(self) -> None:
        self.assertEqual(self.error_of("noSuchCommand")["id"], errors.UNKNOWN_REQUEST)
        self.assertEqual(self.error_of("threads", [1, 2])["id"], errors.BAD_ARGUMENTS)
        self.assertEqual(self.error_of("threads", [])["id"], errors.BAD_ARGUMENTS)
        error = self.error_of("stackTrace", {"threadId": 424242})
        self.assertEqual(error, {"id": errors.UNKNOWN_REFERENCE, "format": "unknown threadId 424242",
                                 "showUser": True})
        self.assertEqual(self.error_of("variables", {"variablesReference": 999})["id"], errors.UNKNOWN_REFERENCE)
        self.assertEqual(self.error_of("variables", {"variablesReference": "x"})["id"], errors.BAD_ARGUMENTS)
        self.assertEqual(self.error_of("setBreakpoints", {"source": {}})["id"], errors.BAD_ARGUMENTS)
        self.assertEqual(self.error_of("evaluate", {"expression": 1})["id"], errors.BAD_ARGUMENTS)

    def test_evaluation_failures_are_evaluation_failed(self) -> None:
        error = self.error_of("evaluate", {"expression": "1/0", "context": "repl"})
        self.assertEqual(error["id"], errors.EVALUATION_FAILED)
        self.assertIn("ZeroDivisionError", error["format"])
        self.assertTrue(error["showUser"])

    def test_anything_else_is_internal(self) -> None:
        def broken(args):
            return {}["oops"]  # a bug's stray KeyError: never the client's mistake now

        self.agent.requests.table["threads"] = broken
        error = self.error_of("threads", {})
        self.assertEqual(error, {"id": errors.INTERNAL, "showUser": False,
                                 "format": "pdap internal error in threads: KeyError: 'oops'"})

    def test_a_handled_request_succeeds(self) -> None:
        response = self.answer("threads", {})
        self.assertTrue(response["success"])
        self.assertIn("threads", response["body"])


if __name__ == "__main__":
    unittest.main()
