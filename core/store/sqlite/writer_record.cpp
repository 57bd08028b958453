#include "core/store/sqlite/writer_record.hpp"

#include "core/clock.hpp"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace chatctl::sqlite {

namespace {

constexpr size_t kMaxRecord = size_t{16} * 1024; // an actor of 200 characters fits many times

std::string this_host() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "";
    return name;
}

// At most `limit` bytes of the regular file at path, "" when it cannot be read: never
// through a link, never blocked by a pipe. A process's /proc file that vanishes with it
// while it is read is no error here (a stream would throw from inside its buffer).
std::string read_at_most(const std::string& path, size_t limit) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return "";
    std::string text;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        text.resize(limit);
        size_t done = 0;
        while (done < limit) {
            const ssize_t n = ::read(fd, text.data() + done, limit - done);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) done = 0;
            if (n <= 0) break;
            done += static_cast<size_t>(n);
        }
        text.resize(done);
    }
    ::close(fd);
    return text;
}

// When the process started, in clock ticks since boot (field 22 of /proc/PID/stat): with
// the pid, it tells a live writer from a process that took a killed writer's pid. "" for
// a process that is gone.
std::string start_ticks(int64_t pid) {
    const std::string stat = read_at_most("/proc/" + std::to_string(pid) + "/stat", 4096);
    const size_t paren = stat.rfind(')'); // the command name may hold spaces and parentheses
    if (paren == std::string::npos) return "";
    std::istringstream fields(stat.substr(paren + 1));
    std::string field;
    for (int i = 3; i <= 22 && (fields >> field); ++i) // fields 3 to 22
        if (i == 22) return field;
    return "";
}

// A record's field, whatever the file holds ("" or 0 for anything else).
std::string text_of(const Json& record, const char* name) {
    const auto it = record.find(name);
    return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}
int64_t pid_of(const Json& record) {
    const auto it = record.find("pid");
    return it != record.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

bool gone(const Json& record) {
    if (text_of(record, "host") != this_host()) return false; // cannot tell: shown as is
    const int64_t pid = pid_of(record);
    if (pid <= 0 || pid > INT32_MAX) return true;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return true;
    const std::string start = text_of(record, "start");
    return !start.empty() && start != start_ticks(pid);
}

} // namespace

std::string writer_record_path(const std::string& store_path) {
    return store_path + "-writer";
}

void WriterRecord::write(const std::string& store_path, const Writer& writer) {
    remove();
    const std::string path = writer_record_path(store_path);
    const int64_t pid = ::getpid();
    const std::string text = Json{{"actor", writer.actor},     {"command", writer.command},
                                  {"host", this_host()},       {"pid", pid},
                                  {"start", start_ticks(pid)}, {"since", now_utc_iso8601()}}
                                 .dump() +
                             "\n";
    ::unlink(path.c_str()); // a killed writer's: the lock is ours
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return;
    path_ = path; // from now on it is ours to remove, whole or not
    ::fchmod(fd, 0600);
    for (size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<size_t>(n);
    }
    ::close(fd);
}

void WriterRecord::remove() {
    if (path_.empty()) return;
    ::unlink(path_.c_str());
    path_.clear();
}

std::optional<WriteLockHolder> read_writer_record(const std::string& store_path) {
    const std::string path = writer_record_path(store_path);
    // Never more than a record's size: a longer file is no record.
    const std::string text = read_at_most(path, kMaxRecord);
    if (text.size() >= kMaxRecord) return std::nullopt;
    const Json record = Json::parse(text, nullptr, false);
    if (!record.is_object() || gone(record)) return std::nullopt;
    WriteLockHolder holder;
    holder.actor = text_of(record, "actor");
    holder.command = text_of(record, "command");
    holder.host = text_of(record, "host");
    holder.since = text_of(record, "since");
    holder.pid = pid_of(record);
    return holder;
}

} // namespace chatctl::sqlite
