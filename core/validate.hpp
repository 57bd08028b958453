// The bounds of every field (contract section 1). Each check names the field as the
// caller spells it (`--max-chats` on the command line, `max_concurrent_chats` in a
// declaration) and throws an invalid_input Error naming the value and the allowed range.
#pragma once

#include "core/model.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chatctl::validate {

inline constexpr int kMaxChatsMin = 1, kMaxChatsMax = 25;
inline constexpr int kWrapUpMin = 0, kWrapUpMax = 3600;

void tenant_key(std::string_view value, std::string_view field);
void display_name(std::string_view value, std::string_view field);
// Who manages a tenant: 1-100 characters of A-Z a-z 0-9 . _ : / @ - (a CI job's id, a
// repository's name).
void owner(std::string_view value, std::string_view field);
void profile_name(std::string_view value, std::string_view field);
void description(std::string_view value, std::string_view field);
void max_chats(int64_t value, std::string_view field);
void wrap_up(int64_t value, std::string_view field);
void login(std::string_view value, std::string_view field);
void user_name(std::string_view value, std::string_view field);
void email(std::string_view value, std::string_view field);
// Who history records a change for: 1-200 characters, no control characters.
void actor(std::string_view value, std::string_view field);
// Why a change was made (--reason): 1-500 characters, no control character.
void reason(std::string_view value, std::string_view field);

// Whole objects, with the fields named as in a declaration.
void object(const Object& object);

// "30" -> 30 within [lo, hi]; anything else is invalid input naming the field.
int parse_int(std::string_view text, std::string_view field, int lo, int hi);

// A duration: whole seconds ("90"), or whole numbers each with a unit d, h, m or s,
// largest first ("90s", "2m", "1h30m", "4m40s"), within [lo, hi] seconds; anything else
// is invalid input naming the field, the bounds and the forms.
int parse_duration(std::string_view text, std::string_view field, int lo, int hi);
// The same within the wrap-up bounds.
int parse_duration(std::string_view text, std::string_view field);

// Decodes one code point at text[i], advancing i; returns false on invalid UTF-8
// (overlong forms, surrogates and values past U+10FFFF included, and a sequence cut
// short by the end of text).
bool next_code_point(std::string_view text, size_t& i, char32_t& out);

// The number of code points of valid UTF-8 text, or nullopt when it is not valid UTF-8.
std::optional<size_t> utf8_length(std::string_view text);

// The closest of the candidates to a misspelled word, or "" when none is close.
// Failing that, the shortest candidate that holds the word's letters in order, ignoring
// case, `-` and `_` (wrap_up: wrap_up_seconds; --max-chats: max_concurrent_chats).
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

// Names for a message, each quoted, the first `most` of them and how many more:
// `"Default", "Experts" and 3 more`.
std::string listed(const std::vector<std::string>& names, size_t most = 8);

// A value as it appears in an error message: quoted, escaped, shortened when long.
std::string quote(std::string_view value);

// Whether text holds a control character (C0, DEL, C1: U+0000-U+001F, U+007F-U+009F).
bool has_control(std::string_view text);

// Text as it may be shown to a person: every control character written as an escape
// (`\n`, `\r`, `\t`, `\x1b` for the other C0 and DEL, `\u009b` for C1), and every byte
// that is not UTF-8 as `\xff`; all else, backslashes included, as it is. A terminal is
// never sent a control from the store, an argument or a file.
std::string escape_controls(std::string_view text);

} // namespace chatctl::validate
