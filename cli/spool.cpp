#include "spool.hpp"

#include "core/error.hpp"
#include "core/temp_file.hpp"

#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <unistd.h>

namespace chatctl::cli {

Spool::Spool() : file_(unnamed_temp_file()), out_(this) {}

Spool::~Spool() {
    std::fclose(file_);
}

void Spool::secure() {
    out_.flush();
    if (std::fflush(file_) != 0) failed();
    if (error_ != 0)
        fail(ErrorKind::internal,
             "cannot write the output to a temporary file in " + temp_folder() + ": " +
                 std::strerror(error_) + "; nothing was written",
             {"set $TMPDIR to a folder with room, or use -q"});
}

void Spool::copy_to_stdout() {
    out_.flush();
    if (std::fflush(file_) != 0) failed();
    if (error_ != 0)
        throw std::runtime_error("cannot write to a temporary file in " + temp_folder() + ": " +
                                 std::strerror(error_));
    std::cout.flush();
    std::rewind(file_);
    char buffer[1 << 16];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file_)) > 0;)
        for (size_t done = 0; done < n;) {
            ssize_t w = ::write(STDOUT_FILENO, buffer + done, n - done);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) throw std::runtime_error(std::strerror(w < 0 ? errno : EIO));
            done += static_cast<size_t>(w);
        }
    if (std::ferror(file_)) throw std::runtime_error("cannot read back the temporary file");
}

Spool::int_type Spool::failed() {
    if (error_ == 0) error_ = errno != 0 ? errno : EIO;
    return traits_type::eof();
}

Spool::int_type Spool::overflow(int_type c) {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    return std::fputc(c, file_) == EOF ? failed() : c;
}

std::streamsize Spool::xsputn(const char* s, std::streamsize n) {
    auto wrote = std::fwrite(s, 1, static_cast<size_t>(n), file_);
    if (wrote != static_cast<size_t>(n)) failed();
    return static_cast<std::streamsize>(wrote);
}

} // namespace chatctl::cli
