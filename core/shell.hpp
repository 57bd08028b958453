// Commands shown in hints, written so that they can be pasted into a POSIX shell: each
// word quoted only when it needs to be.
#pragma once

#include <string>
#include <vector>

namespace chatctl {

// `Night shift` -> `'Night shift'`, `O'Brien` -> `'O'\''Brien'`; words of safe characters
// (letters, digits and `_@%+=:,./-`) as they are.
std::string shell_quote(const std::string& word);

// `chatctl` and the words, each quoted as a shell needs, separated by spaces.
std::string shell_command(const std::vector<std::string>& words);

} // namespace chatctl
