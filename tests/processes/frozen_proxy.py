"""A TCP proxy on 127.0.0.1 (port 0) that can freeze: connections stay open, nothing gets through."""

import asyncio
import contextlib
from dataclasses import dataclass, field


@dataclass
class FreezingProxy:
    """Forwards bytes to a server until frozen; then holds every byte, as a hung database does."""

    target_host: str
    target_port: int
    frozen: asyncio.Event = field(default_factory=asyncio.Event)
    server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def port(self) -> int:
        """Return the port the proxy listens on."""
        assert self.server is not None
        return self.server.sockets[0].getsockname()[1]

    async def start(self) -> "FreezingProxy":
        """Listen on a free loopback port."""
        self.server = await asyncio.start_server(self._connected, "127.0.0.1", 0)
        return self

    def freeze(self) -> None:
        """Stop passing bytes either way; connections stay open and new ones are accepted."""
        self.frozen.set()

    async def close(self) -> None:
        """Stop listening and drop every connection."""
        if self.server is not None:
            self.server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.frozen.is_set():
            await self._hold(writer)
            return
        upstream_reader, upstream_writer = await asyncio.open_connection(
            self.target_host, self.target_port
        )
        for source, sink in ((reader, upstream_writer), (upstream_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while chunk := await source.read(65536):
                if self.frozen.is_set():
                    await self._hold(sink)
                    return
                sink.write(chunk)
                await sink.drain()
        finally:
            sink.close()

    async def _hold(self, writer: asyncio.StreamWriter) -> None:
        """Keep a connection open and silent until the proxy closes."""
        try:
            await asyncio.Event().wait()
        finally:
            writer.close()
