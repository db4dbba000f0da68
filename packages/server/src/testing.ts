/** For tests: the WebSocket class the server and client use (ws), e.g. to drive a browser over the DevTools protocol. */
export { default as WebSocket } from 'ws';
