// Worker-thread entry of partials.ts: reads and checks the partial files it is sent, and posts
// each back as checked values (or why it was refused).
import { answerTasks } from "../experiment/threads.js";
import { readPartial } from "./partials.js";

answerTasks(readPartial);
