// How a write command runs and reports: the engine's transaction, the plan lines held
// back until the commit, and the truth when printing fails after it.
#include "write.hpp"

#include "core/decl/converge.hpp"
#include "core/decl/stream_writer.hpp"
#include "core/error.hpp"
#include "core/plan.hpp"
#include "core/temp_file.hpp"
#include "output.hpp"
#include "progress.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <pwd.h>
#include <unistd.h>

namespace chatctl::cli {

namespace {

// --actor, else $CHATCTL_ACTOR, else the login name (checked by Globals::check).
std::string actor_name(const Globals& g) {
    if (g.actor) return *g.actor;
    if (const char* env = std::getenv("CHATCTL_ACTOR")) return env;
    if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
    if (const char* user = std::getenv("USER"); user && *user) return user;
    return "unknown";
}

// Output held back until a write commits, in a temporary file with no name (no signal
// leaves it behind). It is flushed before the commit: a full $TMPDIR fails the command
// with nothing written, never after the change is committed.
class Spool : std::streambuf {
  public:
    Spool() : file_(unnamed_temp_file()), out_(this) {}
    ~Spool() override { std::fclose(file_); }
    Spool(const Spool&) = delete;
    Spool& operator=(const Spool&) = delete;
    std::ostream& stream() { return out_; }

    void secure() {
        out_.flush();
        if (std::fflush(file_) != 0) failed();
        if (error_ != 0)
            fail(ErrorKind::internal,
                 "cannot write the output to a temporary file in " + temp_folder() + ": " +
                     std::strerror(error_) + "; nothing was written",
                 {"set $TMPDIR to a folder with room, or use -q"});
    }
    // Copies the lines to standard output; throws saying why it could not. What was not
    // secured before the commit (the last lines, a document's end) may fail here.
    void copy_to_stdout() {
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

  private:
    int_type failed() {
        if (error_ == 0) error_ = errno != 0 ? errno : EIO;
        return traits_type::eof();
    }
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        return std::fputc(c, file_) == EOF ? failed() : c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        auto wrote = std::fwrite(s, 1, static_cast<size_t>(n), file_);
        if (wrote != static_cast<size_t>(n)) failed();
        return static_cast<std::streamsize>(wrote);
    }

    std::FILE* file_;
    std::ostream out_;
    int error_ = 0;
};

// The store for a write command. A reader of standard output that goes away (a broken
// pipe) is then an error to report, not a signal that ends chatctl after its commit. A
// dry run's is opened as for a write never committed, or is an empty one in memory when
// there is none: nothing is created.
std::unique_ptr<Store> open_for_write(const Globals& g) {
    std::signal(SIGPIPE, SIG_IGN);
    if (!g.dry_run) return open_store(g.store_options(), OpenMode::write);
    auto store = open_store(g.store_options(), OpenMode::dry_run);
    return store ? std::move(store) : memory_store();
}

// Prints what a committed change reports, then its number on stderr (`Change N
// committed.`, not with -q). Once committed, a failure to print either (standard output or
// error closed or full, a broken pipe) must not read as a failed command: it says the
// change is committed, with an exit code of its own.
void print_committed(const Globals& g, int64_t change, const std::function<void()>& print) {
    if (change == 0) { // nothing was committed: a read command's output, as such
        try {
            print();
        } catch (const std::runtime_error&) {
        }
        return;
    }
    std::string why;
    try {
        errno = 0;
        print();
        std::cout.flush();
        if (!std::cout) why = errno != 0 ? std::strerror(errno) : "write error";
        if (why.empty() && !g.quiet) {
            std::cerr << "Change " << change << " committed.\n" << std::flush;
            if (!std::cerr) why = errno != 0 ? std::strerror(errno) : "write error";
        }
    } catch (const std::exception& e) {
        why = e.what();
    }
    if (why.empty()) return;
    const std::string n = std::to_string(change);
    fail(ErrorKind::output,
         "change " + n + " was committed, but its output could not be written (" + why + ")",
         {"`chatctl history --change " + n + "` shows what it wrote"});
}

} // namespace

std::string plan_text(const Globals& g, const ChangeSet& changes, Summary summary,
                      const int64_t* change) {
    Json document = plan_to_json(changes);
    if (change) document["change"] = *change != 0 ? Json(*change) : Json(nullptr);
    return data_text(g, document, render_plan(changes, summary, g.color()));
}

bool stream_plan(const Globals& g, std::ostream& out, Summary summary,
                 const std::function<void(const ChangeSink&)>& run, const int64_t* change) {
    PlanSummary count;
    Progress progress(g, "changes", std::nullopt, &out == &std::cout);
    auto counted = [&](const Change& c) {
        (c.action == Action::create   ? count.create
         : c.action == Action::update ? count.update
                                      : count.remove)++;
        progress.add();
    };
    if (g.quiet) {
        run(counted);
    } else if (g.format() == Format::table) {
        PlanLines lines(out, g.color());
        run([&](const Change& c) {
            lines.add(c);
            progress.add();
        });
        out << lines.finish(summary);
        count = lines.count();
    } else {
        auto skeleton = [&] { // asked again once the changes are written: change is known
            Json document{
                {"format_version", "1"},
                {"changes", Json::array({kHole})},
                {"summary",
                 {{"create", count.create}, {"update", count.update}, {"delete", count.remove}}}};
            if (change) document["change"] = *change != 0 ? Json(*change) : Json(nullptr);
            return document;
        };
        write_streamed(out, g.format() == Format::json ? DocumentForm::json : DocumentForm::yaml,
                       skeleton, [&](ListWriter& list) {
                           run([&](const Change& c) {
                               counted(c);
                               list.item(c.to_json());
                           });
                       });
    }
    return count.create + count.update + count.remove > 0;
}

void run_write(const Globals& g, const std::string& command, const Planner& planner,
               Summary summary) {
    auto store = open_for_write(g);
    ChangeSet applied;
    std::string text; // rendered before the commit: only writing it is left after
    int64_t change = 0;
    WriteContext context{actor_name(g), command, g.dry_run, [&](int64_t n) {
                             change = n;
                             if (!g.quiet) text = plan_text(g, applied, summary, &change);
                         }};
    write(
        *store, context,
        [&](Store& s, const ChangeSink& emit) {
            for (const auto& c : planner(s))
                emit(c);
        },
        [&](const Change& c) { applied.push_back(c); });
    if (change == 0) { // a dry run, or nothing to change: nothing was committed
        if (!g.quiet)
            std::cout << (g.dry_run ? plan_text(g, applied, Summary::plan)
                                    : plan_text(g, applied, summary, &change));
        return;
    }
    print_committed(g, change, [&] { std::cout << text; });
}

void run_streamed_write(const Globals& g, const std::string& command, const StreamPlanner& planner,
                        Summary summary) {
    auto store = open_for_write(g);
    Spool spool; // what is printed is what was committed
    int64_t change = 0;
    WriteContext context{actor_name(g), command, g.dry_run, [&](int64_t n) {
                             spool.secure();
                             change = n;
                         }};
    stream_plan(
        g, spool.stream(), g.dry_run ? Summary::plan : summary,
        [&](const ChangeSink& print) { write(*store, context, planner, print); },
        g.dry_run ? nullptr : &change);
    if (change == 0) spool.secure(); // dry run, or no change: the lines to print
    print_committed(g, change, [&] { spool.copy_to_stdout(); });
}

bool apply_while_reading(const Globals& g, const Sources& sources, const ApplyOptions& options,
                         Declaration& read) {
    std::unique_ptr<Store> store;
    try {
        store = open_for_write(g);
    } catch (...) { // locked, read-only...: the ordinary path meets it again, or refuses
        read = load_declaration(sources); // the declaration first
        return false;
    }
    Spool spool; // what is printed is what was committed
    int64_t change = 0;
    WriteContext context{actor_name(g), "apply", false, [&](int64_t n) {
                             spool.secure();
                             change = n;
                         }};
    bool committed = false;
    stream_plan(
        g, spool.stream(), Summary::applied,
        [&](const ChangeSink& print) {
            StreamedConverge writer(*store, context, options, print);
            read = load_declaration(sources, &writer);
            committed = writer.finish(read);
        },
        &change);
    if (committed && change == 0) spool.secure(); // no change: "No changes."
    if (!committed) return false; // a new store goes with it; the ordinary path makes it again
    print_committed(g, change, [&] { spool.copy_to_stdout(); });
    return true;
}

std::optional<bool> plan_while_reading(const Globals& g, const Sources& sources,
                                       const ApplyOptions& options, Declaration& read) {
    auto store = open_for_plan(g);
    Spool spool; // printed once the whole declaration is read and found sound
    bool planned = false;
    const bool pending =
        stream_plan(g, spool.stream(), Summary::plan, [&](const ChangeSink& print) {
            StreamedConverge planner(*store, options, print);
            read = load_declaration(sources, &planner);
            planned = planner.finish(read);
        });
    if (!planned) return std::nullopt;
    spool.secure();
    print_committed(g, 0, [&] { spool.copy_to_stdout(); });
    return pending;
}

} // namespace chatctl::cli
