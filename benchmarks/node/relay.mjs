// A minimal websocket relay: every message a client sends is forwarded, as is,
// to every other connected client, one frame per recipient per message.
//
// This is how simple collaboration relays work (a room that rebroadcasts each
// update). It is the peer Samskapa's raw fan-out is compared with in
// fanout_vs_relay.py: no database, no validation, no batching.
//
// Usage: node relay.mjs PORT       (listens on 127.0.0.1 only)

import { WebSocketServer } from "ws";

const port = Number(process.argv[2] ?? 8765);
const wss = new WebSocketServer({ host: "127.0.0.1", port, perMessageDeflate: false, clientTracking: true });

wss.on("connection", (ws) => {
  ws.on("message", (data, isBinary) => {
    for (const client of wss.clients) {
      if (client !== ws && client.readyState === 1) client.send(data, { binary: isBinary });
    }
  });
  ws.on("error", () => {});
});

wss.on("listening", () => process.stdout.write(`listening ${port}\n`));
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    for (const client of wss.clients) client.terminate();
    wss.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
