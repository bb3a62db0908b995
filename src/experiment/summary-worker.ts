// Worker-thread entry of summary-threads.ts: summarises the sweep points it is sent and posts each
// PointSummary back. summarisePoint is a pure function of its arguments (its bootstrap's draws are
// one fixed sequence, stats/interval.ts), so a point summarised here has the same bits as one
// summarised on the main thread.
import { summariseTask } from "./summary-threads.js";
import { answerTasks } from "./threads.js";

answerTasks(summariseTask);
