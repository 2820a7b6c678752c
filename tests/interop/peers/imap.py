"""A small IMAP4rev1 server over TLS with client certificate, for the tests: just what a
client reading an application mailbox uses (CAPABILITY, LOGIN, SELECT, UID SEARCH UNSEEN,
UID FETCH BODY.PEEK[], UID STORE +FLAGS \\Seen, NOOP, LOGOUT)."""

import re
import socketserver
import ssl
import threading
from dataclasses import dataclass, field


@dataclass
class Message:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


class ServeurImap:
    def __init__(self, *, ca: str, cert: str, key: str, user: str, password: str) -> None:
        self.ca, self.cert, self.key = ca, cert, key
        self.user, self.password = user, password
        self.messages: list[Message] = []
        self._lock = threading.Lock()
        self._server: socketserver.ThreadingTCPServer | None = None

    def deposer(self, raw: bytes) -> int:
        with self._lock:
            uid = len(self.messages) + 1
            self.messages.append(Message(uid, raw))
            return uid

    def start(self) -> int:
        serveur = self
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=self.ca)
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_cert_chain(self.cert, self.key)

        class Handler(socketserver.StreamRequestHandler):
            def setup(self) -> None:
                self.request = context.wrap_socket(self.request, server_side=True)
                super().setup()

            def send(self, line: str | bytes) -> None:
                data = line.encode() if isinstance(line, str) else line
                self.wfile.write(data + b"\r\n")

            def handle(self) -> None:
                self.send("* OK IMAP4rev1 test")
                authenticated = False
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    tag, _, rest = line.decode().strip().partition(" ")
                    command, _, args = rest.partition(" ")
                    command = command.upper()
                    if command == "CAPABILITY":
                        self.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
                        self.send(f"{tag} OK CAPABILITY completed")
                    elif command == "LOGIN":
                        user, password = [a.strip('"') for a in args.split(" ", 1)]
                        if (user, password) == (serveur.user, serveur.password):
                            authenticated = True
                            self.send(f"{tag} OK LOGIN completed")
                        else:
                            self.send(f"{tag} NO LOGIN failed")
                    elif command == "NOOP":
                        self.send(f"{tag} OK NOOP")
                    elif command == "LOGOUT":
                        self.send("* BYE")
                        self.send(f"{tag} OK LOGOUT completed")
                        return
                    elif not authenticated:
                        self.send(f"{tag} NO not authenticated")
                    elif command in ("SELECT", "EXAMINE"):
                        self.send(f"* {len(serveur.messages)} EXISTS")
                        self.send("* 0 RECENT")
                        self.send("* FLAGS (\\Seen)")
                        self.send(f"{tag} OK [READ-WRITE] SELECT completed")
                    elif command == "UID":
                        self.uid(tag, args)
                    else:
                        self.send(f"{tag} BAD unknown command")

            def uid(self, tag: str, args: str) -> None:
                sub, _, rest = args.partition(" ")
                sub = sub.upper()
                with serveur._lock:
                    messages = list(serveur.messages)
                if sub == "SEARCH":
                    uids = [str(m.uid) for m in messages if "\\Seen" not in m.flags]
                    self.send("* SEARCH" + ("" if not uids else " " + " ".join(uids)))
                    self.send(f"{tag} OK SEARCH completed")
                elif sub == "FETCH":
                    uid = int(rest.split(" ", 1)[0])
                    for position, message in enumerate(messages, start=1):
                        if message.uid == uid:
                            head = f"* {position} FETCH (UID {uid} BODY[] {{{len(message.raw)}}}"
                            self.send(head.encode() + b"\r\n" + message.raw + b")")
                    self.send(f"{tag} OK FETCH completed")
                elif sub == "STORE":
                    match = re.match(r"(\d+) \+FLAGS(?:\.SILENT)? \((.*)\)", rest)
                    if match:
                        uid = int(match.group(1))
                        for position, message in enumerate(messages, start=1):
                            if message.uid == uid:
                                message.flags.update(match.group(2).split())
                                flags = " ".join(sorted(message.flags))
                                self.send(f"* {position} FETCH (UID {uid} FLAGS ({flags}))")
                    self.send(f"{tag} OK STORE completed")
                else:
                    self.send(f"{tag} BAD unknown UID command")

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return int(server.server_address[1])

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
