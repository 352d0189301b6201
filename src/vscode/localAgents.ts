// The Python programs on this machine that accept debug clients: processes running Python with a
// listening TCP socket (`python -m pdap --listen PORT`, or pdap.listen() in code). Linux only
// (/proc); elsewhere the list is empty and the user types host:port.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export interface LocalAgent {
  pid: number;
  host: string;
  port: number;
  /** the program's command line, for the pick list */
  commandLine: string;
  /** started with `-m pdap` (not only a Python with some listening socket) */
  viaPdap: boolean;
}

/** Listening sockets by inode, from /proc/net/tcp and tcp6 (state 0A is LISTEN). */
function listeningSockets(): Map<string, { host: string; port: number }> {
  const sockets = new Map<string, { host: string; port: number }>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== "0A") continue;
      const [hexHost, hexPort] = fields[1].split(":");
      sockets.set(fields[9], { host: hostOf(hexHost), port: Number.parseInt(hexPort, 16) });
    }
  }
  return sockets;
}

/** The host to connect to for a listening address: loopback when it listens on every address. */
function hostOf(hex: string): string {
  if (hex.length === 8) {
    const bytes = (hex.match(/../g) ?? []).map((b) => Number.parseInt(b, 16)).reverse();
    const address = bytes.join(".");
    return address === "0.0.0.0" ? "127.0.0.1" : address;
  }
  return /^0+1000000$/.test(hex.slice(-16)) && /^0+$/.test(hex.slice(0, 16)) ? "::1" : "127.0.0.1";
}

function socketInodes(pid: string): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return "";
        }
      })
      .map((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1])
      .filter((inode): inode is string => inode !== undefined);
  } catch {
    return [];
  }
}

export function findLocalAgents(): LocalAgent[] {
  if (process.platform !== "linux") return [];
  const sockets = listeningSockets();
  const found: LocalAgent[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    } catch {
      continue;
    }
    if (!argv[0] || !/python/i.test(argv[0].split("/").pop() ?? "")) continue;
    const viaPdap = argv.some((arg, i) => arg === "pdap" && argv[i - 1] === "-m");
    for (const inode of socketInodes(pid)) {
      const socket = sockets.get(inode);
      if (socket) found.push({ pid: Number(pid), ...socket, commandLine: argv.join(" "), viaPdap });
    }
  }
  return found.sort((a, b) => Number(b.viaPdap) - Number(a.viaPdap) || a.port - b.port);
}
