// Who holds a SQLite store's write lock. SQLite's lock says nothing of its holder, so a
// writer records itself in a small file beside the store (STORE-writer) while it holds
// the lock, and a writer that gives up waiting for the lock reads it.
#pragma once

#include "core/store/store.hpp"

#include <optional>
#include <string>

namespace chatctl::sqlite {

// The record's path for the store at store_path.
std::string writer_record_path(const std::string& store_path);

class WriterRecord {
  public:
    WriterRecord() = default;
    ~WriterRecord() { remove(); }
    WriterRecord(const WriterRecord&) = delete;
    WriterRecord& operator=(const WriterRecord&) = delete;

    // Records the writer beside the store, once it holds the lock: any record already
    // there is a writer's that is gone (removed first, a link never followed), the new
    // one is made with mode 0600. A folder that takes no record costs the writer nothing.
    void write(const std::string& store_path, const Writer& writer);
    // Removes the record written, before the lock is let go.
    void remove();

  private:
    std::string path_; // the record written, "" when none
};

// The holder the record names, or nullopt: no record, one that cannot be read, or one
// whose process is gone (a writer that was killed).
std::optional<WriteLockHolder> read_writer_record(const std::string& store_path);

} // namespace chatctl::sqlite
