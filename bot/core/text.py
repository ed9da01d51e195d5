"""Plain text helpers shared by search, replies and evaluation: what a message says, without Discord's markup."""

from __future__ import annotations

import re

# Discord markup that carries no words: user, role and channel mentions, custom emoji, timestamps.
_DISCORD_TOKENS = re.compile(r"<(?:@[!&]?|#|a?:\w+:|t:)\d*[^>]*>|@(?:everyone|here)\b")
_CODE_FENCE = re.compile(r"```(?:[a-zA-Z0-9_+-]*\n)?")
_MARKDOWN = re.compile(r"[*_~`|>#]+")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_SPACES = re.compile(r"\s+")


def clean_message(text: str) -> str:
    """A student's message without mentions, channel links, custom emoji, Markdown or code fences."""
    text = _DISCORD_TOKENS.sub(" ", text)
    text = _CODE_FENCE.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _MARKDOWN.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def plain(text: str) -> str:
    """Text reduced for comparing facts: Markdown and links gone, thousands separators and case folded."""
    text = _LINK.sub(r"\1", text)
    text = _MARKDOWN.sub("", text)
    text = _THOUSANDS.sub("", text).replace("\u2011", "-").replace("\u2013", "-").replace("\u2014", "-")
    return _SPACES.sub(" ", text).casefold()


def states(text: str, fact: str) -> bool:
    """Whether `text` states `fact` (a short phrase), ignoring case, Markdown and thousands separators.

    A number must stand whole: "$3,900" is not stated by "$39,000", nor "$24" by "$24.16"; trailing
    zeros after a decimal point change nothing ("$18.9" is "$18.90")."""
    wanted = plain(fact).strip()
    if not wanted:
        return False
    before = r"(?<!\d)" if wanted[0].isdigit() else ""
    after = r"(?!\.?\d)" if wanted[-1].isdigit() else ""
    if re.search(r"\.\d+$", wanted):
        after = r"0*" + after  # a number, not a string: "$18.9" is stated by "$18.90"
    return re.search(before + re.escape(wanted) + after, plain(text)) is not None


_EMOTICON = re.compile(r"<3+|(?<!\w)[:;=]-?[()dp3]+(?!\w)")  # "<3", ":)", ";-)" end many a thank-you
_GREETING = re.compile(
    r"^(?:(?:hi+|hey+|hello+|yo|ok(?:ay)?)[\s,!.]+)?(?:hi+|hey+|hello+|hiya|yo|sup|howdy|good (?:morning|afternoon|evening|night)|gm|morning|evening"
    r"|thanks?(?: (?:you|u))?(?: so much| a lot| again)?|thx|ty(?:sm)?|tysm|cheers|appreciate (?:it|you)"
    r"|bye|goodbye|see (?:ya|you)|ok(?:ay)? thanks?)(?: (?:all|everyone|guys|yall|bot|there|friend))?"
    r"(?:[\s,!.]+(?:that|this|it|you)(?: (?:really|actually|totally|so))? (?:helped|helps|was helpful|was great|rock)"
    r"(?: (?:me|a lot|so much|tons))*)?"
    r"[\W_]*$"  # then only punctuation and emoji
)


# A credential as students name one: "CDEO", "CPC-P", or lower case beside a word that says so.
_CREDENTIAL_CAPS = re.compile(r"\b[A-Z]{3,5}(?:-[A-Z]{1,2})?\b")
_CREDENTIAL_WORDED = re.compile(
    r"\b([a-z]{3,5}(?:-[a-z]{1,2})?)\s+(?:cert|certs|certification|credential|exam|test)\b"
    r"|\b(?:what(?:'?s| is) (?:the |an? )?|get (?:the |my |an? )?)([a-z]{3,5}-[a-z]{1,2})\b"
)


_CREDENTIAL_WORD = re.compile(
    r"\b(?:cert|certs|certified|certification|credentials?|exam|test|designation)\b", re.I
)
CREDENTIAL_NEAR = 4  # words: "the CDEO cert", "certified as a CDEO"
ASKED_ABOUT_MAX = 12  # words: "what is the CDEX?" asks about it; "I have PTSD from my deployment..." does not


def credential_names(text: str) -> list[str]:
    """Words in a message that name a credential the way students write one ("CDEO", "cdeo cert").

    An acronym counts when it has a credential's suffix (CPC-P), stands near a word such as "cert"
    or "exam", or is what a short message asks about; in a long story "PTSD" or "ADHD" is no credential."""
    short = len(text.split()) <= ASKED_ABOUT_MAX
    found = [
        m.group(0) for m in _CREDENTIAL_CAPS.finditer(text) if short or "-" in m.group(0) or _near(text, m)
    ]
    found += [m.group(1) or m.group(2) for m in _CREDENTIAL_WORDED.finditer(text.casefold())]
    return list(dict.fromkeys(found))


def _near(text: str, match: re.Match[str]) -> bool:
    before = text[: match.start()].split()[-CREDENTIAL_NEAR:]
    after = text[match.end() :].split()[:CREDENTIAL_NEAR]
    return _CREDENTIAL_WORD.search(" ".join([*before, *after])) is not None


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")
FOCUS_MIN_WORDS = 25  # shorter messages are searched whole only


def question_part(text: str) -> str:
    """The sentences of a long message that ask something: those with a "?", else the last one.

    Students tell their story first ("im 38, worked retail...") and ask at the end; '' for short messages."""
    if len(text.split()) < FOCUS_MIN_WORDS:
        return ""
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    if len(sentences) < 2:
        return ""
    return " ".join([s for s in sentences if "?" in s] or sentences[-1:])


_THANKS = re.compile(r"\b(?:thanks?|thx|ty|tysm|appreciate|cheers)\b")


def is_thanks(text: str) -> bool:
    """A greeting that thanks ("hey thank u so much"), for a you're-welcome rather than a hello."""
    return _THANKS.search(text.casefold()) is not None


def is_greeting(text: str) -> bool:
    """A hello or a thank-you with nothing else in it ("hi", "thanks!!", "good morning everyone")."""
    return _GREETING.match(_EMOTICON.sub(" ", text.casefold()).strip()) is not None
