// Output held back in a temporary file with no name (no signal leaves it behind), then
// copied to standard output: a write's plan lines until its commit, a read's rows until
// its snapshot is ended.
#pragma once

#include <cstdio>
#include <ostream>
#include <streambuf>

namespace chatctl::cli {

class Spool : std::streambuf {
  public:
    Spool();
    ~Spool() override;
    Spool(const Spool&) = delete;
    Spool& operator=(const Spool&) = delete;
    std::ostream& stream() { return out_; }

    // Flushes what is held to the file; fails (internal) when it could not be written, so
    // that a full $TMPDIR fails a write with nothing written, never after its commit.
    void secure();
    // Copies the lines to standard output; throws saying why it could not. What was not
    // secured before the commit (the last lines, a document's end) may fail here.
    void copy_to_stdout();

  private:
    int_type failed();
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;

    std::FILE* file_;
    std::ostream out_;
    int error_ = 0;
};

} // namespace chatctl::cli
