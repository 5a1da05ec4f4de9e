"""SQLite serves one process: a second `haven serve` on the same file says so and exits."""

from tests.processes.served import start_haven, wait_until_up


async def test_a_second_process_on_the_same_sqlite_file_is_refused_clearly(tmp_path):
    database = tmp_path / "haven.db"
    env = {"DATABASE_URL": f"sqlite:///{database}"}
    first = start_haven(env=env, log=tmp_path / "first.log")
    try:
        await wait_until_up(first)
        second = start_haven(env=env, log=tmp_path / "second.log")
        assert second.process.wait(timeout=30) == 1
        said = (tmp_path / "second.log").read_text()
        assert f"Error: another `haven serve` already uses {database}." in said
        assert "set DATABASE_URL to PostgreSQL to run several replicas" in said
        assert "Traceback" not in said
        first.kill()  # a crash leaves no stale claim behind
        again = start_haven(env=env, log=tmp_path / "again.log")
        try:
            await wait_until_up(again)
        finally:
            again.stop()
    finally:
        first.kill()
