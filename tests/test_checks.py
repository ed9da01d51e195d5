"""The per-user cooldown's buckets: one table per bot, per command and per user."""

from __future__ import annotations

from bot.discord_app.checks import UserCooldowns


def test_a_user_over_the_rate_waits_and_others_do_not() -> None:
    cooldowns = UserCooldowns(rate=2, per=30)
    assert cooldowns.hit("ask", 1, now=1000.0) is None
    assert cooldowns.hit("ask", 1, now=1001.0) is None
    bucket = cooldowns.hit("ask", 1, now=1002.0)
    assert bucket is not None and bucket.get_retry_after(1002.0) == 28.0
    assert cooldowns.hit("ask", 2, now=1002.0) is None  # another user
    assert cooldowns.hit("faq", 1, now=1002.0) is None  # another command
    assert cooldowns.hit("ask", 1, now=1031.0) is None  # the period is over


def test_two_bots_keep_their_own_buckets() -> None:
    first, second = UserCooldowns(rate=1, per=30), UserCooldowns(rate=1, per=30)
    assert first.hit("ask", 1, now=10.0) is None
    assert first.hit("ask", 1, now=11.0) is not None
    assert second.hit("ask", 1, now=11.0) is None


def test_buckets_full_again_are_forgotten() -> None:
    cooldowns = UserCooldowns(rate=5, per=30)
    for user in range(100):
        cooldowns.hit("ask", user, now=10.0)
    cooldowns.hit("ask", 0, now=110.0)
    assert len(cooldowns._buckets) == 1
