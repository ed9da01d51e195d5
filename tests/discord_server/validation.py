"""Discord's limits on what a bot sends, answered the way Discord answers them.

Each check fills a `FormErrors` tree shaped like Discord's `errors` object
(`{"embeds": {"0": {"title": {"_errors": [{"code": ..., "message": ...}]}}}}`), which the
server returns as `{"code": 50035, "message": "Invalid Form Body", "errors": ...}`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

Path = Sequence[str | int]

EPHEMERAL = 1 << 6
SUPPRESS_EMBEDS = 1 << 2
LOADING = 1 << 7
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15

ALLOWED_MENTIONS_RULE = (
    "Project rule (not Discord's): a message with content or embeds must set allowed_mentions, "
    "so no reply can ever ping; pass allowed_mentions=discord.AllowedMentions.none() or set it on the Client."
)

SELECT_TYPES = {3, 5, 6, 7, 8}
MAX_INT = 2**53


class FormErrors:
    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: Path, code: str, message: str) -> None:
        node = self.tree
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def __bool__(self) -> bool:
        return bool(self.tree)


def check_string(errors: FormErrors, path: Path, value: Any, low: int, high: int, *, required: bool) -> None:
    if value is None:
        if required:
            errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        return
    if not isinstance(value, str):
        errors.add(path, "BASE_TYPE_STRING", "Must be a string.")
    elif low and not low <= len(value) <= high:
        errors.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")
    elif len(value) > high:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")


def check_list(errors: FormErrors, path: Path, value: Any, high: int, *, low: int = 0) -> list[Any]:
    """Check a list's type and length; returns the list (empty if it is not one)."""
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return []
    if len(value) > high:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")
    elif len(value) < low:
        errors.add(path, "BASE_TYPE_MIN_LENGTH", f"Must be {low} or more in length.")
    return value


def check_int(errors: FormErrors, path: Path, value: Any, low: int, high: int) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(path, "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
    elif not low <= value <= high:
        errors.add(path, "NUMBER_TYPE_MAX", f"int value should be between {low} and {high}.")


def check_url(errors: FormErrors, path: Path, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value.startswith(("http://", "https://", "attachment://")):
        errors.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")


# --- application commands -------------------------------------------------------------------


def _name_char_ok(char: str) -> bool:
    # ^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$ without the `regex` module.
    code = ord(char)
    return (
        char in "-_"
        or unicodedata.category(char)[0] in "LN"
        or 0x0900 <= code <= 0x097F
        or 0xA8E0 <= code <= 0xA8FF
        or 0x0E00 <= code <= 0x0E7F
    )


def check_command_name(errors: FormErrors, path: Path, name: Any, *, chat_input: bool) -> None:
    if not isinstance(name, str):
        errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        return
    if not 1 <= len(name) <= 32:
        errors.add(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")
    elif chat_input and not all(_name_char_ok(c) for c in name):
        errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {name!r}")
    elif chat_input and name != name.lower():
        errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", f"Command name must be lower case: {name!r}")


def _check_localizations(errors: FormErrors, path: Path, value: Any, *, names: bool) -> None:
    if not isinstance(value, dict):
        return
    for locale, text in value.items():
        if names:
            check_command_name(errors, [*path, locale], text, chat_input=True)
        else:
            check_string(errors, [*path, locale], text, 1, 100, required=True)


def _command_text_size(node: dict[str, Any]) -> int:
    size = len(str(node.get("name", ""))) + len(str(node.get("description", "")))
    for choice in node.get("choices") or []:
        size += len(str(choice.get("name", ""))) + len(str(choice.get("value", "")))
    return size + sum(_command_text_size(option) for option in node.get("options") or [])


def _check_options(errors: FormErrors, path: Path, options: Any, parent_type: int) -> None:
    options = check_list(errors, path, options, 25)
    seen: set[str] = set()
    optional_seen = False
    kinds = {option.get("type") for option in options if isinstance(option, dict)}
    if kinds & {1, 2} and kinds - {1, 2}:
        errors.add(
            path, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-commands cannot be mixed with options"
        )
    for index, option in enumerate(options):
        here = [*path, index]
        if not isinstance(option, dict):
            errors.add(here, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        kind = option.get("type")
        if not isinstance(kind, int) or not 1 <= kind <= 11:
            errors.add([*here, "type"], "BASE_TYPE_CHOICES", "Value must be one of (1, ..., 11).")
            continue
        if parent_type == 1 and kind in (1, 2):
            errors.add(
                [*here, "type"], "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-commands cannot nest here"
            )
        if parent_type == 2 and kind != 1:
            errors.add(
                [*here, "type"], "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Groups only hold sub-commands"
            )
        name = option.get("name")
        check_command_name(errors, [*here, "name"], name, chat_input=True)
        if name in seen:
            errors.add(
                [*here, "name"],
                "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                "Option names must be unique",
            )
        seen.add(name)
        check_string(errors, [*here, "description"], option.get("description"), 1, 100, required=True)
        _check_localizations(
            errors, [*here, "name_localizations"], option.get("name_localizations"), names=True
        )
        _check_localizations(
            errors, [*here, "description_localizations"], option.get("description_localizations"), names=False
        )
        if kind in (1, 2):
            _check_options(errors, [*here, "options"], option.get("options"), kind)
            continue
        if option.get("options"):
            errors.add(
                [*here, "options"],
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Only sub-commands have options",
            )
        if option.get("required"):
            if optional_seen:
                errors.add(
                    [*here, "required"],
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        choices = option.get("choices")
        if choices:
            if kind not in (3, 4, 10):
                errors.add(
                    [*here, "choices"],
                    "APPLICATION_COMMAND_OPTION_CHOICES_INVALID",
                    "This type has no choices",
                )
            if option.get("autocomplete"):
                errors.add(
                    [*here, "autocomplete"],
                    "APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES",
                    "Autocomplete cannot be set with choices",
                )
            check_choices(errors, [*here, "choices"], choices, kind)
        if option.get("autocomplete") and kind not in (3, 4, 10):
            errors.add(
                [*here, "autocomplete"],
                "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                "Not allowed for this type",
            )
        check_int(errors, [*here, "min_length"], option.get("min_length"), 0, 6000)
        check_int(errors, [*here, "max_length"], option.get("max_length"), 1, 6000)


def check_choices(errors: FormErrors, path: Path, choices: Any, kind: int) -> None:
    for index, choice in enumerate(check_list(errors, path, choices, 25)):
        here = [*path, index]
        if not isinstance(choice, dict):
            errors.add(here, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        check_string(errors, [*here, "name"], choice.get("name"), 1, 100, required=True)
        _check_localizations(
            errors, [*here, "name_localizations"], choice.get("name_localizations"), names=False
        )
        value = choice.get("value")
        if kind == 3:
            check_string(errors, [*here, "value"], value, 1, 100, required=True)
        elif kind == 4:
            check_int(errors, [*here, "value"], value, -MAX_INT, MAX_INT)
            if value is None:
                errors.add([*here, "value"], "BASE_TYPE_REQUIRED", "This field is required")
        elif isinstance(value, bool) or not isinstance(value, int | float):
            errors.add([*here, "value"], "NUMBER_TYPE_COERCE", f'Value "{value}" is not a number.')


def check_command(errors: FormErrors, path: Path, command: Any) -> None:
    if not isinstance(command, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    kind = command.get("type", 1)
    if kind not in (1, 2, 3, 4):
        errors.add([*path, "type"], "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4).")
        return
    check_command_name(errors, [*path, "name"], command.get("name"), chat_input=kind == 1)
    _check_localizations(
        errors, [*path, "name_localizations"], command.get("name_localizations"), names=kind == 1
    )
    if kind == 1:
        check_string(errors, [*path, "description"], command.get("description"), 1, 100, required=True)
        _check_localizations(
            errors,
            [*path, "description_localizations"],
            command.get("description_localizations"),
            names=False,
        )
        _check_options(errors, [*path, "options"], command.get("options"), 0)
        if _command_text_size(command) > 8000:
            errors.add(path, "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (8000)")
    else:
        if command.get("description"):
            errors.add([*path, "description"], "APPLICATION_COMMAND_INVALID_DESCRIPTION", "Must be empty")
        if command.get("options"):
            errors.add(
                [*path, "options"], "APPLICATION_COMMAND_OPTIONS_INVALID", "Context menus take no options"
            )
    # A permission bitset: Discord takes an integer or a string of digits, and answers with a string.
    permissions = command.get("default_member_permissions")
    valid = (isinstance(permissions, int) and not isinstance(permissions, bool) and permissions >= 0) or (
        isinstance(permissions, str) and permissions.isdigit()
    )
    if permissions is not None and not valid:
        errors.add([*path, "default_member_permissions"], "BASE_TYPE_STRING", "Must be a string of digits.")


def check_commands(errors: FormErrors, commands: Any) -> None:
    commands = check_list(errors, [], commands, 130)
    seen: set[tuple[Any, Any]] = set()
    counts = {1: 0, 2: 0, 3: 0}
    for index, command in enumerate(commands):
        check_command(errors, [index], command)
        if isinstance(command, dict):
            key = (command.get("type", 1), command.get("name"))
            if key in seen:
                errors.add(
                    [index, "name"],
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    "Application command names must be unique",
                )
            seen.add(key)
            counts[key[0]] = counts.get(key[0], 0) + 1
    if counts[1] > 100 or counts[2] > 15 or counts[3] > 15:
        errors.add([], "APPLICATION_COMMANDS_TOO_MANY", "Too many application commands of one type")


# --- messages --------------------------------------------------------------------------------


def _embed_text(embed: dict[str, Any]) -> int:
    size = len(embed.get("title") or "") + len(embed.get("description") or "")
    size += len((embed.get("footer") or {}).get("text") or "") + len(
        (embed.get("author") or {}).get("name") or ""
    )
    for field in embed.get("fields") or []:
        if isinstance(field, dict):
            size += len(field.get("name") or "") + len(field.get("value") or "")
    return size


def check_embeds(errors: FormErrors, path: Path, embeds: Any) -> None:
    embeds = check_list(errors, path, embeds, 10)
    for index, embed in enumerate(embeds):
        here = [*path, index]
        if not isinstance(embed, dict):
            errors.add(here, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        check_string(errors, [*here, "title"], embed.get("title"), 0, 256, required=False)
        check_string(errors, [*here, "description"], embed.get("description"), 0, 4096, required=False)
        check_url(errors, [*here, "url"], embed.get("url"))
        check_int(errors, [*here, "color"], embed.get("color"), 0, 0xFFFFFF)
        for key in ("image", "thumbnail"):
            if isinstance(embed.get(key), dict):
                check_url(errors, [*here, key, "url"], embed[key].get("url"))
        footer = embed.get("footer")
        if isinstance(footer, dict):
            check_string(errors, [*here, "footer", "text"], footer.get("text"), 1, 2048, required=True)
            check_url(errors, [*here, "footer", "icon_url"], footer.get("icon_url"))
        author = embed.get("author")
        if isinstance(author, dict):
            check_string(errors, [*here, "author", "name"], author.get("name"), 1, 256, required=True)
            check_url(errors, [*here, "author", "url"], author.get("url"))
            check_url(errors, [*here, "author", "icon_url"], author.get("icon_url"))
        for number, field in enumerate(check_list(errors, [*here, "fields"], embed.get("fields"), 25)):
            if not isinstance(field, dict):
                errors.add([*here, "fields", number], "DICT_TYPE_CONVERT", "Only dictionaries may be used")
                continue
            check_string(errors, [*here, "fields", number, "name"], field.get("name"), 1, 256, required=True)
            check_string(
                errors, [*here, "fields", number, "value"], field.get("value"), 1, 1024, required=True
            )
    total = sum(_embed_text(embed) for embed in embeds if isinstance(embed, dict))
    if total > 6000:
        errors.add(path, "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of 6000 (got {total})")


def _check_button(errors: FormErrors, path: Path, button: dict[str, Any]) -> None:
    style = button.get("style")
    if style not in (1, 2, 3, 4, 5, 6):
        errors.add([*path, "style"], "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4, 5, 6).")
        return
    check_string(errors, [*path, "label"], button.get("label"), 0, 80, required=False)
    if style == 5:
        check_url(errors, [*path, "url"], button.get("url"))
        if not button.get("url") or button.get("custom_id"):
            errors.add(path, "BUTTON_COMPONENT_URL_REQUIRED", "A link button needs a url and no custom_id")
    elif style == 6:
        if not button.get("sku_id"):
            errors.add([*path, "sku_id"], "BASE_TYPE_REQUIRED", "This field is required")
    else:
        check_string(errors, [*path, "custom_id"], button.get("custom_id"), 1, 100, required=True)
    if style != 6 and not button.get("label") and not button.get("emoji"):
        errors.add(path, "BUTTON_COMPONENT_LABEL_REQUIRED", "A button needs a label or an emoji")


def _check_select(errors: FormErrors, path: Path, select: dict[str, Any]) -> None:
    check_string(errors, [*path, "custom_id"], select.get("custom_id"), 1, 100, required=True)
    check_string(errors, [*path, "placeholder"], select.get("placeholder"), 0, 150, required=False)
    check_int(errors, [*path, "min_values"], select.get("min_values"), 0, 25)
    check_int(errors, [*path, "max_values"], select.get("max_values"), 1, 25)
    if select.get("type") != 3:
        return
    options = check_list(errors, [*path, "options"], select.get("options"), 25, low=1)
    if select.get("options") is None:
        errors.add([*path, "options"], "BASE_TYPE_REQUIRED", "This field is required")
    for index, option in enumerate(options):
        here = [*path, "options", index]
        if not isinstance(option, dict):
            errors.add(here, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        check_string(errors, [*here, "label"], option.get("label"), 1, 100, required=True)
        check_string(errors, [*here, "value"], option.get("value"), 1, 100, required=True)
        check_string(errors, [*here, "description"], option.get("description"), 0, 100, required=False)


def _check_component(errors: FormErrors, path: Path, component: Any, custom_ids: set[str]) -> None:
    if not isinstance(component, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    kind = component.get("type")
    custom_id = component.get("custom_id")
    if isinstance(custom_id, str):
        if custom_id in custom_ids:
            errors.add(
                [*path, "custom_id"],
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        custom_ids.add(custom_id)
    if kind == 1:
        children = check_list(errors, [*path, "components"], component.get("components"), 5, low=1)
        selects = [c for c in children if isinstance(c, dict) and c.get("type") in SELECT_TYPES]
        if selects and len(children) > 1:
            errors.add(
                [*path, "components"], "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A select menu fills its whole row"
            )
        for index, child in enumerate(children):
            if isinstance(child, dict) and child.get("type") not in {2, *SELECT_TYPES}:
                errors.add(
                    [*path, "components", index, "type"], "UNION_TYPE_CHOICES", "Not allowed in an action row"
                )
            else:
                _check_component(errors, [*path, "components", index], child, custom_ids)
    elif kind == 2:
        _check_button(errors, path, component)
    elif kind in SELECT_TYPES:
        _check_select(errors, path, component)
    elif kind == 10:
        check_string(errors, [*path, "content"], component.get("content"), 1, 4000, required=True)
    elif kind in (9, 17):
        for index, child in enumerate(
            check_list(errors, [*path, "components"], component.get("components"), 40)
        ):
            _check_component(errors, [*path, "components", index], child, custom_ids)
        if isinstance(component.get("accessory"), dict):
            _check_component(errors, [*path, "accessory"], component["accessory"], custom_ids)
    elif kind not in (11, 12, 13, 14):
        errors.add(
            [*path, "type"], "UNION_TYPE_CHOICES", f"Component type {kind} is not allowed in a message"
        )


def check_components(errors: FormErrors, path: Path, components: Any, flags: int) -> None:
    v2 = bool(flags & IS_COMPONENTS_V2)
    components = check_list(errors, path, components, 40 if v2 else 5)
    custom_ids: set[str] = set()
    for index, component in enumerate(components):
        if not v2 and isinstance(component, dict) and component.get("type") != 1:
            errors.add(
                [*path, index, "type"], "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).'
            )
            continue
        _check_component(errors, [*path, index], component, custom_ids)


def check_allowed_mentions(errors: FormErrors, path: Path, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    parse = value.get("parse") or []
    for key, kind in (("users", "users"), ("roles", "roles")):
        if kind in parse and value.get(key):
            errors.add(
                [*path, key], "SET_TYPE_ALREADY_CONTAINS_VALUE", f"parse {kind} conflicts with the {key} list"
            )
    for index, item in enumerate(parse):
        if item not in ("users", "roles", "everyone"):
            errors.add(
                [*path, "parse", index], "BASE_TYPE_CHOICES", "Value must be one of users, roles, everyone."
            )


def check_message(
    errors: FormErrors, path: Path, body: Any, *, edit: bool, require_allowed_mentions: bool
) -> bool:
    """Check a message create/edit body. Returns False when a create would be empty (code 50006)."""
    if not isinstance(body, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return True
    flags = body.get("flags") or 0
    if not isinstance(flags, int):
        errors.add([*path, "flags"], "NUMBER_TYPE_COERCE", "Value is not int.")
        flags = 0
    check_string(errors, [*path, "content"], body.get("content"), 0, 2000, required=False)
    check_embeds(errors, [*path, "embeds"], body.get("embeds"))
    check_components(errors, [*path, "components"], body.get("components"), flags)
    check_allowed_mentions(errors, [*path, "allowed_mentions"], body.get("allowed_mentions"))
    if flags & IS_COMPONENTS_V2 and (body.get("content") or body.get("embeds")):
        errors.add(
            [*path, "content"],
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
        )
    # The project rule: a new message with content or embeds, and an edit with content. (discord.py
    # adds the Client's allowed_mentions to an edit only when it sets content, e.g. Message.edit.)
    could_ping = bool(body.get("content")) or (not edit and bool(body.get("embeds")))
    if require_allowed_mentions and could_ping and "allowed_mentions" not in body:
        errors.add([*path, "allowed_mentions"], "PROJECT_ALLOWED_MENTIONS_REQUIRED", ALLOWED_MENTIONS_RULE)
    if edit:
        return True
    return any(
        body.get(key) for key in ("content", "embeds", "components", "attachments", "sticker_ids", "poll")
    )


def check_autocomplete(errors: FormErrors, path: Path, data: Any) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        errors.add([*path, "choices"], "BASE_TYPE_REQUIRED", "This field is required")
        return
    for index, choice in enumerate(check_list(errors, [*path, "choices"], data["choices"], 25)):
        here = [*path, "choices", index]
        if not isinstance(choice, dict):
            errors.add(here, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        check_string(errors, [*here, "name"], choice.get("name"), 1, 100, required=True)
        value = choice.get("value")
        if isinstance(value, str):
            check_string(errors, [*here, "value"], value, 0, 100, required=True)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            errors.add([*here, "value"], "BASE_TYPE_REQUIRED", "A choice needs a string or number value")


def _check_text_input(
    errors: FormErrors, path: Path, text_input: dict[str, Any], *, needs_label: bool
) -> None:
    check_string(errors, [*path, "custom_id"], text_input.get("custom_id"), 1, 100, required=True)
    if text_input.get("style") not in (1, 2):
        errors.add([*path, "style"], "BASE_TYPE_CHOICES", "Value must be one of (1, 2).")
    check_string(errors, [*path, "label"], text_input.get("label"), 1, 45, required=needs_label)
    check_int(errors, [*path, "min_length"], text_input.get("min_length"), 0, 4000)
    check_int(errors, [*path, "max_length"], text_input.get("max_length"), 1, 4000)
    check_string(errors, [*path, "value"], text_input.get("value"), 0, 4000, required=False)
    check_string(errors, [*path, "placeholder"], text_input.get("placeholder"), 0, 100, required=False)


def check_modal(errors: FormErrors, path: Path, data: Any) -> None:
    if not isinstance(data, dict):
        errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        return
    check_string(errors, [*path, "custom_id"], data.get("custom_id"), 1, 100, required=True)
    check_string(errors, [*path, "title"], data.get("title"), 1, 45, required=True)
    components = check_list(errors, [*path, "components"], data.get("components"), 5, low=1)
    for index, row in enumerate(components):
        here = [*path, "components", index]
        if not isinstance(row, dict):
            errors.add(here, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        elif row.get("type") == 1:
            inputs = check_list(errors, [*here, "components"], row.get("components"), 1, low=1)
            for number, text_input in enumerate(inputs):
                _check_text_input(errors, [*here, "components", number], text_input, needs_label=True)
        elif row.get("type") == 18:
            check_string(errors, [*here, "label"], row.get("label"), 1, 45, required=True)
            check_string(errors, [*here, "description"], row.get("description"), 0, 100, required=False)
            inner = row.get("component") or {}
            if inner.get("type") == 4:
                _check_text_input(errors, [*here, "component"], inner, needs_label=False)
            elif inner.get("type") in SELECT_TYPES:
                _check_select(errors, [*here, "component"], inner)
        elif row.get("type") != 10:
            errors.add(
                [*here, "type"], "UNION_TYPE_CHOICES", "Modals hold action rows, labels and text displays"
            )
