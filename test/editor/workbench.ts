// Driving VS Code's workbench as a person does: keys, clicks on the gutter and the views, reading
// what the views show. Selectors are VS Code's own class names (debug views, list rows, editor margin).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";

const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const UI_TIMEOUT_MS = 30_000;
/** A data breakpoint in the Breakpoints view: its aria-label ends so */
const DATA_BREAKPOINT_ROW = '.monaco-list-row[aria-label$=", Data Breakpoint"]';

export class Workbench {
  private shots = 0;

  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
    private readonly artifacts: string,
  ) {}

  static async open(url: string, folder: string, artifacts: string): Promise<Workbench> {
    mkdirSync(artifacts, { recursive: true });
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector(".monaco-workbench", { timeout: 90_000 });
    await page.locator(".explorer-folders-view").waitFor();
    return new Workbench(browser, page, artifacts);
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  /** A numbered screenshot in the artifacts directory; returns its path. */
  async screenshot(name: string): Promise<string> {
    this.shots += 1;
    const file = path.join(this.artifacts, `${String(this.shots).padStart(2, "0")}-${name}.png`);
    await this.page.screenshot({ path: file });
    // the DOM beside it: what a failing selector should have matched
    writeFileSync(file.replace(/\.png$/, ".html"), await this.page.content());
    return file;
  }

  async command(title: string): Promise<void> {
    await this.page.keyboard.press("F1");
    const input = this.page.locator(".quick-input-widget input");
    await input.fill(`>${title}`);
    await this.page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor();
    await input.press("Enter");
  }

  /** Picks an item of the open quick pick by its label. */
  async pickQuickItem(label: string): Promise<void> {
    await this.page.locator(".quick-input-list .monaco-list-row", { hasText: label }).first().click();
  }

  /** Quick Open (Ctrl+P) a file of the folder and wait for its editor tab. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press("Control+P");
    const input = this.page.locator(".quick-input-widget input");
    await input.fill(name);
    await this.page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor();
    await input.press("Enter");
    await this.page.locator(".tab.active", { hasText: name }).waitFor();
    await this.editorLine(1).waitFor();
  }

  /** The line-number element of a line in the active editor. */
  editorLine(line: number): Locator {
    return this.page
      .locator(".editor-group-container.active .margin-view-overlays .line-numbers")
      .getByText(String(line), { exact: true });
  }

  /** Clicks the gutter left of a line's number, where VS Code toggles a breakpoint. */
  async clickGutter(line: number, button: "left" | "right" = "left"): Promise<void> {
    const box = await this.editorLine(line).boundingBox();
    if (!box) throw new Error(`line ${line} is not shown`);
    await this.page.mouse.move(box.x - 8, box.y + box.height / 2);
    await this.page.mouse.click(box.x - 8, box.y + box.height / 2, { button });
  }

  async toggleBreakpoint(line: number): Promise<void> {
    const before = await this.breakpointGlyphs().count();
    await this.clickGutter(line);
    await waitUntil(async () => (await this.breakpointGlyphs().count()) > before, "a breakpoint glyph");
  }

  /** The gutter's context menu: Add Conditional Breakpoint…, then the condition and Enter. */
  /**
   * Add Conditional Breakpoint… on a line, typed as a person at the keyboard would: Quick Open
   * `:LINE`, then the command. (The gutter's context menu was seen, under load, to keep its
   * item highlighted without acting on the click.)
   */
  async conditionalBreakpoint(line: number, condition: string): Promise<void> {
    const widget = this.page.locator(".breakpoint-widget .inputContainer .monaco-editor");
    for (let attempt = 1; ; attempt++) {
      await this.goToLine(line);
      await this.command("Debug: Add Conditional Breakpoint");
      try {
        await widget.waitFor({ timeout: 5_000 });
        break;
      } catch (error) {
        await this.screenshot(`conditional-widget-missing-${attempt}`);
        if (attempt === 3) throw error;
        await this.page.keyboard.press("Escape");
      }
    }
    await widget.click();
    await this.page.keyboard.type(condition);
    await this.page.keyboard.press("Enter");
    await this.page.locator(".codicon-debug-breakpoint-conditional").first().waitFor();
  }

  /** Moves the active editor's cursor to a line (Quick Open `:LINE`). */
  async goToLine(line: number): Promise<void> {
    await this.page.keyboard.press("Control+P");
    const input = this.page.locator(".quick-input-widget input");
    await input.fill(`:${line}`);
    await input.press("Enter");
    const cursor = this.page.locator("#status\\.editor\\.selection");
    await waitUntil(
      async () => ((await cursor.textContent()) ?? "").startsWith(`Ln ${line},`),
      `cursor on line ${line}`,
    );
  }

  breakpointGlyphs(): Locator {
    return this.page.locator(".editor-group-container.active .codicon-debug-breakpoint");
  }

  /** Waits until the debugger shows a stop: the top frame's "file:line" in the Call Stack. */
  async waitPaused(file: string, line: number): Promise<void> {
    await waitUntil(async () => (await this.pausedAt()) === `${file}:${line}`, `paused at ${file}:${line}`, {
      describe: async () => `paused at ${await this.pausedAt()}`,
    });
  }

  /**
   * "file:line" where the editor shows the program stopped: the active tab, with the top stack
   * frame's highlight, and the cursor line VS Code moved there (status bar "Ln N, Col M"); or "".
   */
  async pausedAt(): Promise<string> {
    const group = this.page.locator(".editor-group-container.active");
    if ((await group.locator(".debug-top-stack-frame-line, .debug-focused-stack-frame-line").count()) === 0)
      return "";
    const tab = (await group.locator(".tab.active").first().getAttribute("data-resource-name")) ?? "";
    const cursor = (await this.page.locator("#status\\.editor\\.selection").textContent()) ?? "";
    return `${tab}:${/Ln (\d+)/.exec(cursor)?.[1] ?? "?"}`;
  }

  /** The names shown in the Call Stack, in order (sessions, threads and frames). */
  async callStack(): Promise<string[]> {
    const rows = await this.page.locator(".debug-call-stack .monaco-list-row").allInnerTexts();
    return rows.map((row) => row.replace(/\s+/g, " ").trim());
  }

  /** Expands a scope of the Variables view (Locals, Globals) unless it is open. */
  async expandScope(name: string): Promise<void> {
    const row = this.page.locator(`.debug-variables .monaco-list-row[aria-label="Scope ${name}"]`);
    await row.waitFor();
    if ((await row.getAttribute("aria-expanded")) !== "true") await row.click();
    await waitUntil(
      async () => (await row.getAttribute("aria-expanded")) === "true",
      `scope ${name} expanded`,
    );
  }

  async waitCallStack(condition: (rows: string[]) => boolean, what: string): Promise<void> {
    await waitUntil(async () => condition(await this.callStack()), what, {
      describe: async () => `Call Stack: ${(await this.callStack()).join(" | ")}`,
    });
  }

  /** A row of the Variables view by the variable's name (its aria-label is "NAME, value VALUE"). */
  variableRow(name: string): Locator {
    return this.page
      .locator(`.debug-variables .monaco-list-row[aria-label^=${JSON.stringify(`${name}, value`)}]`)
      .first();
  }

  async variableValue(name: string): Promise<string> {
    return ((await this.variableRow(name).locator(".value").textContent()) ?? "").trim();
  }

  async expandVariable(name: string): Promise<void> {
    const row = this.variableRow(name);
    await row.waitFor();
    if ((await row.getAttribute("aria-expanded")) !== "true") await row.click();
    await waitUntil(async () => (await row.getAttribute("aria-expanded")) === "true", `${name} expanded`);
  }

  /** The Variables view's context menu on a variable: Break on Value Change (a data breakpoint). */
  async breakOnValueChange(name: string): Promise<void> {
    // the Breakpoints view lists it with the description pdap gave ("total (local variable of main)")
    const listed = this.page.locator(DATA_BREAKPOINT_ROW, { hasText: name });
    for (let attempt = 1; ; attempt++) {
      await this.variableRow(name).click({ button: "right" });
      await this.chooseMenuItem("Break on Value Change");
      try {
        await listed.first().waitFor({ timeout: 5_000 });
        return;
      } catch (error) {
        // a context menu was seen, under load, to keep its item highlighted without acting on the click
        await this.screenshot(`data-breakpoint-missing-${attempt}`);
        if (attempt === 3) throw error;
        await this.page.keyboard.press("Escape");
      }
    }
  }

  /**
   * Chooses an item of the open context menu with the keyboard: the pointer highlights it, Enter
   * acts. (A click was seen, under load, to leave the item highlighted and do nothing.)
   */
  async chooseMenuItem(label: string): Promise<void> {
    const item = this.page.locator(".context-view .action-item", {
      has: this.page.locator(".action-label", { hasText: label }),
    });
    await item.hover();
    await waitUntil(
      async () => /\bfocused\b/.test((await item.getAttribute("class")) ?? ""),
      `${label} highlighted`,
    );
    await this.page.keyboard.press("Enter");
  }

  /** The Breakpoints view's Remove All Breakpoints action; waits until the data breakpoint is gone. */
  async removeAllBreakpoints(): Promise<void> {
    await this.page.locator(".pane-header", { hasText: "Breakpoints" }).hover();
    await this.page.locator('.pane-header [aria-label="Remove All Breakpoints"]').click();
    await waitUntil(
      async () => (await this.page.locator(DATA_BREAKPOINT_ROW).count()) === 0,
      "no data breakpoint listed",
    );
  }

  async addWatch(expression: string): Promise<void> {
    await this.page.locator(".debug-watch").hover();
    await this.page.locator('.pane-header [aria-label="Add Expression"]').click();
    await this.page.locator(".debug-watch input, .debug-watch textarea").first().waitFor();
    await this.page.keyboard.type(expression);
    await this.page.keyboard.press("Enter");
  }

  async watchValue(expression: string): Promise<string> {
    const row = this.page
      .locator(".debug-watch .monaco-list-row")
      .filter({ has: this.page.locator(".name", { hasText: expression }) })
      .first();
    await row.locator(".value").waitFor();
    return ((await row.locator(".value").textContent()) ?? "").trim();
  }

  /** Types an expression into the Debug Console and waits for its answer after it. */
  async evaluateInConsole(expression: string): Promise<void> {
    await this.command("Debug Console: Focus on Debug Console View");
    const input = this.page.locator(".repl-input-wrapper .monaco-editor");
    await input.click();
    await this.page.keyboard.type(expression);
    await this.page.keyboard.press("Enter");
  }

  /** Shows the Debug Console of one session (the console follows the focused session). */
  async showConsoleOf(session: string): Promise<void> {
    await this.page
      .getByRole("toolbar", { name: "Debug Console actions" })
      .locator('select[aria-label="Debug Session"]')
      .selectOption({ label: session });
  }

  /** The Debug Console's text, all rows. */
  async consoleText(): Promise<string> {
    const rows = await this.page.locator(".repl .monaco-list-rows .monaco-list-row").allTextContents();
    return rows.join("\n");
  }

  async waitForConsole(pattern: RegExp): Promise<void> {
    await waitUntil(async () => pattern.test(await this.consoleText()), `Debug Console shows ${pattern}`, {
      describe: async () => `Debug Console:\n${await this.consoleText()}`,
    });
  }

  /** A button of the debug toolbar (Step Back has no default key), by its label. */
  async debugToolbarButton(label: string): Promise<void> {
    await this.page.locator(`.debug-toolbar .action-item a[aria-label="${label}"]`).click();
  }

  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  /** No debug session runs: the debug toolbar is gone. */
  async waitSessionsEnded(): Promise<void> {
    await this.page.locator(".debug-toolbar").waitFor({ state: "hidden" });
  }

  /** Error notifications shown so far (toasts), by message. */
  async errorToasts(): Promise<string[]> {
    return this.page
      .locator(".notification-toast .codicon-error ~ .notification-list-item-message")
      .allInnerTexts();
  }
}

function chromiumPath(): string {
  return process.env.PDAP_CHROMIUM ?? "/usr/bin/chromium";
}

export async function waitUntil(
  condition: () => Promise<boolean>,
  what: string,
  { timeoutMs = UI_TIMEOUT_MS, describe }: { timeoutMs?: number; describe?: () => Promise<string> } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${describe ? `; ${await describe()}` : ""}`);
}
