"""The canary plugin itself must be able to fail, or the promise it guards proves nothing."""

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]


def test_canary_in_any_captured_output_fails_the_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[2]))
    pytester.makepyfile(
        """
        import logging, sys, threading
        from tests.plugins.log_canary import register_canary

        def test_logs_an_email():
            email = register_canary("canary-7f3a@example.com", "email")
            logging.getLogger("x").warning("user %s", email)

        def test_thread_prints_a_phone():
            phone = register_canary("+919876512345", "phone")
            t = threading.Thread(target=lambda: print("call", phone[1:], file=sys.stderr))
            t.start(); t.join()

        def test_clean():
            register_canary("secret-password-123", "password")
            logging.getLogger("x").warning("login failed")
        """
    )
    result = pytester.runpytest_subprocess("-p", "tests.plugins.log_canary", "--rootdir", str(pytester.path))
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*personal data reached captured output*['email']*"])
    result.stdout.fnmatch_lines(["*personal data reached captured output*['phone']*"])
    assert "canary-7f3a@example.com" not in "\n".join(
        line for line in result.stdout.lines if "personal data reached" in line
    )
