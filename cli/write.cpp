// How a write command runs and reports: the engine's transaction, the plan lines held
// back until the commit, and the truth when printing fails after it.
#include "write.hpp"

#include "core/decl/converge.hpp"
#include "core/decl/stream_writer.hpp"
#include "core/error.hpp"
#include "core/plan.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "spool.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <unistd.h>

namespace chatctl::cli {

namespace {

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
    // Streamed as the engine applies each change: each line is written to the spool
    // between the change's statements, never all at once inside the transaction, where a
    // server's idle_in_transaction_session_timeout would see a session waiting.
    run_streamed_write(
        g, command,
        [&](Store& s, const ChangeSink& emit) {
            for (const auto& c : planner(s))
                emit(c);
        },
        summary);
}

void run_streamed_write(const Globals& g, const std::string& command, const StreamPlanner& planner,
                        Summary summary) {
    auto store = open_for_write(g);
    Spool spool; // what is printed is what was committed
    int64_t change = 0;
    WriteContext context{g.actor_name(), command, g.dry_run,
                         [&](int64_t n) {
                             spool.secure();
                             change = n;
                         },
                         g.reason};
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
    WriteContext context{g.actor_name(), "apply", false,
                         [&](int64_t n) {
                             spool.secure();
                             change = n;
                         },
                         g.reason};
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
