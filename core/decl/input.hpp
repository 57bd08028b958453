// The bytes of one declaration source, read in place. A file is never held whole in
// memory (a million users is 120 MB of YAML): the parser reads it by offset, a block at
// a time. Standard input is first copied to an unnamed temporary file, so it reads like
// a file.
#pragma once

#include "core/error.hpp"

#include <memory>
#include <optional>
#include <string>

namespace chatctl {

struct Position {
    int line = 0; // 1-based; 0 when unknown
    int column = 0;
};

class Input {
  public:
    static Input from_text(std::string text);
    // Takes the open file descriptor (closed with the last copy of the Input).
    static Input from_fd(int fd, size_t size);

    size_t size() const;
    // Up to n bytes at offset into out; fewer at the end.
    size_t read(size_t offset, char* out, size_t n) const;

  private:
    struct Impl;
    std::shared_ptr<const Impl> impl_;
};

// A UTF-8 byte order mark: skipped at the start of a file, and counted in no column.
inline constexpr char kBom[] = "\xEF\xBB\xBF";
size_t bom_size(const Input& input); // 3 when the input starts with one, else 0

// YAML allows no control character but tab and line ends, and a declaration is UTF-8.
// U+2028 and U+2029 are refused too: a YAML 1.1 parser breaks lines at them even in
// quotes, changing the value and every line number after them.
// The first such fault, at its line and column, or nullopt; one pass, constant memory.
std::optional<Diagnostic> check_bytes(const std::string& file, const Input& input);

} // namespace chatctl
