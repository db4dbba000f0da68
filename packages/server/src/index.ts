/**
 * @wargame/server: workshops over the network — the session server (WebSocket
 * and the page it serves), its SQLite journal, and a client.
 */
export { WorkshopServer, DEFAULT_LIMITS, MAX_CONNECTIONS, SIGN_IN_MS, newCodes, type Limits, type ServeOptions } from './server.js';
export { WorkshopGame, type Op, type Staged, type GameSetup, type ApplyResult } from './game.js';
export { Journal, STORE_FORMAT, STORE_VERSION, type StoredSetup, type JournalEntry } from './store.js';
export { generateCode, normaliseCode, findCode } from './codes.js';
export { ClientFrameSchema, MAX_FRAME_BYTES, MAX_WIRE_BYTES, type ClientFrame } from './protocol.js';
export { WorkshopClient, socketUrl, openSocket, type Frame, type ClientOptions } from './client.js';
export { teamState, spectatorState, facilitatorState, welcome, type Role } from './views.js';
export { PAGE_HTML, PAGE_JS } from './page.js';
