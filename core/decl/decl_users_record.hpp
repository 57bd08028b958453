// The records of the temporary file of declared users: how one is written, and the
// reader of a tenant's run of them. Internal to decl_users.
#pragma once

#include "core/decl/decl_users.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace chatctl {

namespace decl_record {

// A record: seq, flags (which optional texts follow), file, line, column, profile line,
// profile column, then each text as a length and its bytes: login, name, email, profile.
enum Flags : uint8_t { kName = 1, kEmail = 2, kProfile = 4 };

template <typename T> inline void put(std::string& out, T value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

inline void put_text(std::string& out, const std::string& text) {
    put(out, static_cast<uint32_t>(text.size()));
    out += text;
}

[[noreturn]] inline void io_failure(const char* what) {
    fail(ErrorKind::internal, std::string("cannot ") + what +
                                  " the temporary file of declared users: " + std::strerror(errno));
}

} // namespace decl_record

// Reads the records of one run back, in order, through a buffer of its own.
class DeclUsers::Reader {

  public:
    Reader(const DeclUsers& users, const Run& run)
        : users_(users), segments_(run.segments), fd_(::fileno(users.file_)) {}

    bool next(DeclUser& u) {
        // A record never spans two segments: past one, go on at the next.
        while (at_ >= end_ && pos_ == buffer_.size()) {
            if (segment_ == segments_.size()) return false;
            at_ = segments_[segment_].begin;
            end_ = segments_[segment_++].end;
        }
        u.seq = get<int64_t>();
        auto flags = get<uint8_t>();
        file_ = get<uint32_t>();
        const std::string& file = users_.files_.at(file_);
        int line = get<int32_t>(), column = get<int32_t>();
        int pline = get<int32_t>(), pcolumn = get<int32_t>();
        // Into the strings the record before left: most reads allocate nothing.
        for (Place* place : {&u.at, &u.profile_at})
            if (place->file != file) place->file = file;
        u.at.at = Position{line, column};
        u.profile_at.at = Position{pline, pcolumn};
        text(u.user.login);
        maybe_text(flags & decl_record::kName, u.user.name);
        maybe_text(flags & decl_record::kEmail, u.user.email);
        u.has_profile = flags & decl_record::kProfile;
        u.has_profile ? text(u.user.profile) : u.user.profile.clear();
        return true;
    }

  private:
    void fill(size_t n, char* out) {
        while (n > 0) {
            if (pos_ == buffer_.size()) {
                buffer_.resize(static_cast<size_t>(std::min<int64_t>(1 << 16, end_ - at_)));
                ssize_t got = ::pread(fd_, buffer_.data(), buffer_.size(), at_);
                if (got <= 0) decl_record::io_failure("read");
                buffer_.resize(static_cast<size_t>(got));
                at_ += got;
                pos_ = 0;
            }
            size_t take = std::min(n, buffer_.size() - pos_);
            std::memcpy(out, buffer_.data() + pos_, take);
            pos_ += take;
            out += take;
            n -= take;
        }
    }
    template <typename T> T get() {
        T value;
        fill(sizeof value, reinterpret_cast<char*>(&value));
        return value;
    }
    void text(std::string& out) {
        out.resize(get<uint32_t>());
        fill(out.size(), out.data());
    }
    void maybe_text(bool given, std::optional<std::string>& out) {
        if (!given) {
            out.reset();
            return;
        }
        if (!out) out.emplace();
        text(*out);
    }

  public:
    uint32_t file() const { return file_; } // the file number of the last record read

  private:
    const DeclUsers& users_;
    const std::vector<Segment>& segments_;
    size_t segment_ = 0; // the next segment to read
    uint32_t file_ = 0;
    int fd_;
    int64_t at_ = 0, end_ = 0; // at_: the next byte of the segment to read into the buffer
    std::string buffer_;
    size_t pos_ = 0;
};

} // namespace chatctl
