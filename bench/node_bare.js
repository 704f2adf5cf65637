// The Node yardstick for bench/fanout.py: a bare socket.io (Node) broadcast server.
//
// It speaks what the benchmark uses of the app, like bench/bare_server.py does: a socket
// joins the room `courtyard:1` at connect; `join_topic` joins `topic:<id>` and acks
// {"ok": true, "missed": [], "online": n}; `post_message` emits `message.posted` to that
// room with a payload shaped like the app's message JSON and acks {"ok": true, "message": ...};
// `POST /api/v1/courtyards/<id>/topics` emits `topic.created` to the courtyard's room (the
// --hold probe). No database, no authentication, no logging.
//
// Same Socket.IO settings as the app (courtyard/__init__.py, wsgi.py): ping interval 25 s,
// ping timeout 20 s, 64 KiB max buffer, no permessage-deflate (the app refuses it).
// socket.io is a devDependency in package.json (`make vendor` / `npm ci` installs it).
//
//     node bench/node_bare.js --fd <inherited listening socket>
//     node bench/node_bare.js --port 5056
"use strict";

const http = require("http");
const path = require("path");

function parseArgs(argv) {
  const args = { host: "127.0.0.1", port: 5056, fd: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--fd") args.fd = parseInt(value(), 10);
    else if (a === "--port") args.port = parseInt(value(), 10);
    else if (a === "--host") args.host = value();
    else if (a === "-h" || a === "--help") {
      console.log("node bench/node_bare.js [--fd N | --host H --port P]");
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (args.fd !== null && !(args.fd >= 0)) throw new Error("--fd needs a descriptor number");
  return args;
}

function loadSocketIO() {
  try {
    return require("socket.io");
  } catch (err) {
    // Run from another directory: the checkout's node_modules (package.json's devDependency).
    return require(path.join(__dirname, "..", "node_modules", "socket.io"));
  }
}

function create() {
  const { Server } = loadSocketIO();
  let nextId = 1;
  const online = new Map(); // room -> Set of socket ids (the join ack's count, as bare_server.py)

  const server = http.createServer((req, res) => {
    const match = req.method === "POST" && /^\/api\/v1\/courtyards\/(\d+)\/topics$/.exec(req.url);
    if (!match) {
      res.writeHead(404, { "Content-Type": "application/json" });
      res.end('{"error": {"code": "not_found"}}');
      return;
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      let data;
      try {
        data = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch (err) {
        res.writeHead(400, { "Content-Type": "application/json" });
        res.end('{"error": {"code": "bad_json"}}');
        return;
      }
      const courtyardId = parseInt(match[1], 10);
      const topic = {
        id: nextId++, courtyard_id: courtyardId, title: data.title, body: data.body,
        category: data.category, status: "open",
      };
      io.to(`courtyard:${courtyardId}`).emit("topic.created", topic);
      res.writeHead(201, { "Content-Type": "application/json" });
      res.end(JSON.stringify(topic));
    });
  });

  const io = new Server(server, {
    pingInterval: 25000,
    pingTimeout: 20000,
    maxHttpBufferSize: 64 * 1024,
    perMessageDeflate: false,
    httpCompression: false,
    serveClient: false,
    cors: undefined,
  });

  // Python's isoformat() with microseconds and +00:00: the same length as the app's created_at.
  const isoNow = () => new Date().toISOString().replace("Z", "000+00:00");

  io.on("connection", (socket) => {
    socket.join("courtyard:1"); // the app puts a member's sockets in their courtyard's room

    socket.on("join_topic", (data, ack) => {
      const room = `topic:${data && data.topic_id}`;
      socket.join(room);
      let members = online.get(room);
      if (!members) online.set(room, (members = new Set()));
      members.add(socket.id);
      if (typeof ack === "function") ack({ ok: true, missed: [], online: members.size });
    });

    socket.on("leave_topic", (data, ack) => {
      const room = `topic:${data && data.topic_id}`;
      socket.leave(room);
      const members = online.get(room);
      if (members) members.delete(socket.id);
      if (typeof ack === "function") ack({ ok: true });
    });

    socket.on("post_message", (data, ack) => {
      const topicId = data.topic_id;
      const message = {
        id: nextId++, topic_id: topicId, author: { id: 1, display_name: "居民1" },
        body: String(data.body).trim(), client_id: data.client_id, badge: null,
        hidden: false, created_at: isoNow(),
      };
      io.to(`topic:${topicId}`).emit("message.posted", message);
      if (typeof ack === "function") ack({ ok: true, message });
    });

    socket.on("disconnect", () => {
      for (const members of online.values()) members.delete(socket.id);
    });
  });

  return server;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const server = create();
  server.maxConnections = 10000; // as wsgi.py's MAX_CONNECTIONS
  const listening = () => {
    const addr = server.address();
    const where = addr && typeof addr === "object" ? `${addr.address}:${addr.port}` : `fd ${args.fd}`;
    console.log(`node bare server on ${where} (node ${process.version}), pid ${process.pid}`);
  };
  if (args.fd !== null) server.listen({ fd: args.fd }, listening);
  else server.listen({ host: args.host, port: args.port, backlog: 2048 }, listening);
  process.on("SIGTERM", () => process.exit(0));
  process.on("SIGINT", () => process.exit(0));
}

main();
