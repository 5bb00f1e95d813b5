"""`coder serve`: loopback only unless --public, the login screen of a browser session, no
recording played on the server, and the real page in headless chromium (skipped without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder import serve
from coder.cli import main
from coder.errors import InvalidInput
from coder.tui.screens.login import LoginScreen, ServedApp, server_location
from coder.tui.screens.main import MainScreen


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.5"])
def test_loopback_hosts_are_served_without_a_warning(host: str) -> None:
    assert serve.check_host(host, public=False) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_a_public_host_is_refused_without_the_flag_and_warned_with_it(host: str) -> None:
    with pytest.raises(InvalidInput, match="--public"):
        serve.check_host(host, public=False)
    warning = serve.check_host(host, public=True)
    assert warning and warning.startswith("warning:") and "TLS" in warning


def test_the_cli_refuses_a_public_host_in_one_line(demo_copy: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["serve", str(demo_copy), "--host", "0.0.0.0"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--public" in err and "nothing was started" in err


def test_the_served_command_carries_no_credentials() -> None:
    served, _ = serve.prepare("postgresql://ann:secret@db.example/team", "127.0.0.1", 8000, False)
    assert "secret" not in serve.app_command(served) and "ann" not in serve.app_command(served)
    assert served.location == "postgresql://db.example/team"
    url = server_location(served.location, "bo", "pw")
    assert url == "postgresql://bo:pw@db.example/team"


async def test_a_browser_session_opens_on_the_login_screen_then_the_workbench(
    demo_copy: Path,
) -> None:
    app = ServedApp(str(demo_copy), nlp=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.project is None
        await pilot.press("ctrl+z", "f5")  # nothing to undo or refresh yet: no crash
        await pilot.press("enter")  # no name: asked again
        assert isinstance(app.screen, LoginScreen)
        assert "enter a name" in str(app.screen.query_one("#login-error").render())
        await pilot.press(*"ann", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.project.coder == "ann" and "ann" in app.sub_title


def test_on_a_server_the_login_is_checked_by_connecting(pg_url) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from sqlalchemy.engine import make_url

    from coder.project import Project

    location = pg_url()
    Project.create(location, title="team").close()
    bare = serve.without_credentials(location)
    app = ServedApp(bare, nlp=False)

    async def go() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press(*"no_such_login", "enter", *"x", "enter")
            await pilot.pause()
            assert isinstance(app.screen, LoginScreen)
            assert "no_such_login" in str(app.screen.query_one("#login-error").render())
            name = app.screen.query_one("#login-name")
            name.value = make_url(location).username or ""
            app.screen.query_one("#login-password").value = make_url(location).password or ""
            name.focus()
            await pilot.press("enter", "enter")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen) and app.project.on_server

    asyncio.run(go())
    app.project.close()


async def test_playing_a_recording_is_unavailable_in_the_browser(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coder import media

    monkeypatch.setattr(ServedApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(media, "start", lambda play: pytest.fail("a player started on the server"))
    app = ServedApp(str(demo_copy), nlp=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"ann", "enter")
        await pilot.pause()
        app.screen.action_play()  # type: ignore[attr-defined]
        await pilot.pause()
        assert any("unavailable in the browser" in n.message for n in app._notifications)


def test_the_page_in_headless_chromium_codes_a_passage(demo_copy: Path, tmp_path: Path) -> None:
    from bench import serve as browser

    why = browser.missing()
    if why:
        pytest.skip(f"no browser check: {why}")
    visit = browser.visit(demo_copy, tmp_path / "shots")
    assert [(c["coder"], c["label"]) for c in visit.coded] == [("browser", "a09")]
    assert all(p.stat().st_size > 10_000 for p in visit.screenshots)
