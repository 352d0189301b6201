// The program's terminal under `pdap run`: the program runs on a pseudo-terminal of its own (a tty
// for stdin, stdout and stderr, as at a shell, sized as this one) whose output the debugger copies
// to this terminal, and the debugger passes the keys typed here to it only while the program
// runs. While the program is stopped nothing typed reaches it: the prompt has the terminal, and a
// read the program had pending just goes on waiting until it runs again (gdb keeps its inferior's
// terminal the same way). One pty for all three keeps the echo of what the user typed and what
// the program writes next in order.
import { closeSync, constants as fs, openSync, write } from "node:fs";
import { createRequire } from "node:module";
import tty from "node:tty";

/** What node-pty's addon does for us: open a pty pair, and size it (no fork: we spawn the program). */
interface PtyAddon {
  open(cols: number, rows: number): { master: number; slave: number; pty: string };
  resize(fd: number, cols: number, rows: number): void;
}

const CTRL_C = 0x03;
/**
 * Written behind the program's last output (see drained()) and taken out again before anything is
 * shown: an APC sequence with no lowercase letters, CR, LF or tab, so that no output setting of the
 * program's tty (ONLCR, OLCUC, OCRNL, tab expansion) changes it on its way.
 */
const DRAINED = Buffer.from("\x1b_PDAP-DRAINED\x1b\\", "latin1");

function loadAddon(): PtyAddon {
  // node-pty's own prebuilt addon for this platform (@lydell/node-pty's binary packages)
  const require = createRequire(import.meta.url);
  return require(`@lydell/node-pty-${process.platform}-${process.arch}/pty.node`) as PtyAddon;
}

export class ProgramKeyboard {
  /** reads this terminal's keys while the program runs; undefined while the prompt has them */
  private keys: tty.ReadStream | undefined;
  private readonly master: tty.ReadStream;
  private closed = false;
  /** markers written and not yet seen: output is searched for them, a partial one at a chunk's end held */
  private markers = 0;
  private held: Buffer = Buffer.alloc(0);
  private drainWaiter: (() => void) | undefined;

  private constructor(
    private readonly addon: PtyAddon,
    private readonly masterFd: number,
    /** the program's end of the pty (stdin, stdout, stderr), opened blocking (the addon's is not) */
    readonly programFd: number,
    private readonly out: NodeJS.WriteStream,
    /** Ctrl-C typed while the keys go to the program: the debugger's, not the program's */
    private readonly onInterrupt: () => void,
    /** shows what the program wrote (and its tty echoed) */
    private readonly show: (chunk: Buffer) => void,
  ) {
    this.master = new tty.ReadStream(masterFd);
    this.master.on("data", (chunk: Buffer) => {
      const shown = this.markers > 0 ? this.takeMarker(chunk) : chunk;
      if (shown.length > 0) show(shown);
    });
    this.master.on("error", () => undefined); // EIO once nothing holds the program's end any more
    this.out.on("resize", this.resize);
  }

  /** A pty sized like this terminal, or undefined (with why) where none can be had. */
  static open(
    out: NodeJS.WriteStream,
    onInterrupt: () => void,
    show: (chunk: Buffer) => void,
  ): { keyboard: ProgramKeyboard } | { reason: string } {
    let addon: PtyAddon;
    let pair: { master: number; slave: number; pty: string };
    try {
      addon = loadAddon();
      pair = addon.open(out.columns || 80, out.rows || 24);
    } catch (error) {
      return { reason: (error as Error).message.split("\n")[0] };
    }
    let programFd: number;
    try {
      programFd = openSync(pair.pty, fs.O_RDWR | fs.O_NOCTTY);
    } catch (error) {
      closeSync(pair.master);
      return { reason: (error as Error).message };
    } finally {
      closeSync(pair.slave);
    }
    return { keyboard: new ProgramKeyboard(addon, pair.master, programFd, out, onInterrupt, show) };
  }

  /** The program runs: the keys go to it (raw, so its own tty does the line editing and echo). */
  connect(): void {
    if (this.keys || this.closed) return;
    const keys = new tty.ReadStream(0);
    keys.setRawMode(true);
    keys.on("data", (chunk: Buffer) => this.forward(chunk));
    this.keys = keys;
  }

  /** The debugger has the terminal: stop reading it (unread keys wait in the terminal for the prompt). */
  disconnect(): void {
    const keys = this.keys;
    if (!keys) return;
    this.keys = undefined;
    keys.setRawMode(false);
    keys.destroy();
  }

  /**
   * Once the program has exited: until what it wrote last has been shown, at most `boundMs`. The pty
   * stays open for a restart, so its end is no signal; a marker written to the program's end of it
   * comes out of ours after everything written before, and is dropped there.
   */
  async drained(boundMs = 500): Promise<void> {
    if (this.closed) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.drainWaiter = resolve;
      timer = setTimeout(resolve, boundMs);
      this.markers++;
      write(this.programFd, DRAINED, (error) => {
        if (!error) return;
        this.markers--;
        resolve(); // the pty is going away: nothing more will come
      });
    });
    clearTimeout(timer);
    this.drainWaiter = undefined;
    if (this.markers === 0 && this.held.length > 0) {
      this.show(this.held); // the program's own bytes after all
      this.held = Buffer.alloc(0);
    }
  }

  /** The output with the marker taken out (which ends the wait); a possible start of it is held back. */
  private takeMarker(chunk: Buffer): Buffer {
    const data = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    const at = data.indexOf(DRAINED);
    if (at >= 0) {
      this.markers--;
      this.drainWaiter?.();
      const rest = data.subarray(at + DRAINED.length);
      return Buffer.concat([data.subarray(0, at), this.markers > 0 ? this.takeMarker(rest) : rest]);
    }
    for (let keep = Math.min(DRAINED.length - 1, data.length); keep > 0; keep--) {
      if (DRAINED.subarray(0, keep).equals(data.subarray(data.length - keep))) {
        this.held = data.subarray(data.length - keep);
        return data.subarray(0, data.length - keep);
      }
    }
    return data;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.disconnect();
    this.out.off("resize", this.resize);
    closeSync(this.programFd);
    this.master.destroy();
  }

  private forward(chunk: Buffer): void {
    const interrupt = chunk.indexOf(CTRL_C);
    const keys = interrupt < 0 ? chunk : chunk.subarray(0, interrupt);
    if (keys.length > 0) this.master.write(keys);
    if (interrupt < 0) return;
    // from Ctrl-C on the keys are the debugger's: later ones stay unread until the prompt opens
    this.disconnect();
    this.onInterrupt();
  }

  private readonly resize = (): void => {
    if (this.closed) return;
    try {
      this.addon.resize(this.masterFd, this.out.columns || 80, this.out.rows || 24);
    } catch {
      // the pty is going away
    }
  };
}
