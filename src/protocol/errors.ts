// The two kinds of failed response, declared once. A client's mistake (a wrong or missing
// argument, an unknown frame) gets a plain message and a stable id a client may act on; a fault
// inside pdap gets INTERNAL, showUser false, and its stack goes to the log. The agent's
// python/pdap/errors.py mirrors these ids; test/protocol-drift.test.ts fails when they differ.

export const ErrorId = {
  /** an argument is missing, has the wrong type, or names nothing valid */
  badArguments: 1001,
  /** a request this debugger does not handle */
  unknownRequest: 1002,
  /** the request needs a launched or attached program, and there is none (yet, or any more) */
  noProgram: 1003,
  /** a thread, frame, variablesReference, sourceReference or breakpoint id that does not exist (now) */
  unknownReference: 1004,
  /** the request needs the thread (or program) stopped, or running, and it is not */
  wrongState: 1005,
  /** the program's own code failed: an expression raised, a __repr__ raised */
  evaluationFailed: 1006,
  /** a valid request pdap will not carry out here (writing to the recorded past, restarting a listen) */
  refused: 1007,
  /** the program could not be started or reached (no such Python, connection refused, timeout) */
  startFailed: 1008,
  /** an access check failed: a missing or wrong token, a request before initialize */
  accessDenied: 1009,
  /** a fault inside pdap itself: never the client's doing */
  internal: 9000,
} as const;

export type ErrorIdName = keyof typeof ErrorId;
export type ErrorIdValue = (typeof ErrorId)[ErrorIdName];

/** What a failed response's body carries (DAP's Message, with our id). */
export interface ErrorMessage {
  id: number;
  format: string;
  showUser: boolean;
}
