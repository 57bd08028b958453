#include "core/shell.hpp"

namespace chatctl {

std::string shell_quote(const std::string& word) {
    auto safe = [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("_@%+=:,./-").find(static_cast<char>(c)) != std::string::npos;
    };
    bool plain = !word.empty();
    for (unsigned char c : word)
        plain = plain && safe(c);
    if (plain) return word;
    std::string out = "'";
    for (char c : word)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string shell_command(const std::vector<std::string>& words) {
    std::string out = "chatctl";
    for (const auto& w : words)
        out += " " + shell_quote(w);
    return out;
}

} // namespace chatctl
