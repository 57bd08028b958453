// The bytes of one declaration source, read in place. A file is never held whole in
// memory (a million users is 120 MB of YAML): the parser reads it through a stream, and
// the few places that need text again (columns of a mark) read it back by offset.
// Standard input is first copied to an unnamed temporary file, so it reads like a file.
#pragma once

#include "core/error.hpp"

#include <memory>
#include <optional>
#include <streambuf>
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

// A stream buffer reading an Input from its start, for yaml-cpp's parser.
class InputBuffer : public std::streambuf {
  public:
    explicit InputBuffer(const Input& input) : input_(input) {}

  protected:
    int_type underflow() override;

  private:
    const Input& input_;
    size_t offset_ = 0;
    char buffer_[1 << 16];
};

// YAML allows no control character but tab and line ends, and a declaration is UTF-8.
// The first such fault, at its line and column, or nullopt; one pass, constant memory.
std::optional<Diagnostic> check_bytes(const std::string& file, const Input& input);

// The position of a byte offset whose line (1-based) and byte column (0-based) the
// parser gives, with the column counted in code points as editors count it. Reads the
// line back through a small cache, so marks met in the order of the text cost one
// pass over it.
class Columns {
  public:
    explicit Columns(const Input& input) : input_(input) {}
    Position at(size_t offset, int line, int byte_column);

  private:
    const Input& input_;
    size_t block_start_ = 0;
    std::string block_;
    size_t counted_to_ = SIZE_MAX; // offset up to which column_ counts, on line_
    int line_ = 0, column_ = 0;
};

} // namespace chatctl
