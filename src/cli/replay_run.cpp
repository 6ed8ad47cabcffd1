// SPDX-License-Identifier: MIT
#include "cli/replay_run.hpp"

#include "cli/replay_print.hpp"
#include "cli/stop_signals.hpp"
#include "core/http/transport.hpp"
#include "core/replay/engine.hpp"

namespace hooks::cli {
namespace {

/// What to do after a corrupt line stopped the replay: where to go on from.
std::string advice_after_corrupt_line(const ReplayCommand& command, std::uint64_t line) {
    if (!command.plan.journal_path.empty()) {
        return "mend or remove line " + std::to_string(line) +
               " and run the same command: the journal skips what was acknowledged";
    }
    if (command.log_path == "-") {
        return "the records before it were replayed (summary above); send the rest of the "
               "stream after line " +
               std::to_string(line) + " again";
    }
    return "the records before it were replayed (summary above); go on after it with "
           "'tail -n +" +
           std::to_string(line + 1) + " " + command.log_path +
           " | hooks replay - ...' with the same options";
}

Result<int> dry_run(log::Source& source, const ReplayCommand& command, ReplayPrinter& printer,
                    Context& context) {
    auto totals = replay::dry_run(source, command.plan, *context.clock, printer);
    if (!totals) {
        return tl::unexpected(totals.error());
    }
    printer.print_dry_run(*totals);
    return 0;
}

} // namespace

Result<int> run_replay(log::Source& source, const ReplayCommand& command,
                       const replay::SourceProgress& progress, Context& context) {
    ReplayPrinter printer(command, context);
    if (command.is_dry_run) {
        return dry_run(source, command, printer, context);
    }
    StopSignals signals;
    replay::Environment environment{*context.clock, http::network(),
                                    &StopSignals::is_stop_requested};
    auto summary = replay::run(source, command.plan, progress, environment, printer);
    printer.end_progress();
    if (!summary) {
        return tl::unexpected(summary.error());
    }
    if (summary->read_error) {
        // What was sent before the corrupt line is reported, and where to go on from.
        printer.print_summary(*summary);
        return fail(ErrorKind::input,
                    summary->read_error->message + "; " +
                        advice_after_corrupt_line(command, summary->read.corrupt_line));
    }
    if (!summary->source_warning.empty()) {
        context.err << "hooks: warning: " << summary->source_warning << '\n';
    }
    printer.print_summary(*summary);
    if (summary->is_interrupted) {
        return fail(ErrorKind::interrupted,
                    command.plan.journal_path.empty()
                        ? "interrupted; without --journal a rerun starts from the beginning"
                        : "interrupted; run the same command to resume from " +
                              command.plan.journal_path);
    }
    if (summary->failed > 0) {
        return fail(ErrorKind::negative, std::to_string(summary->failed) + " of " +
                                             std::to_string(summary->failed + summary->delivered) +
                                             " deliveries failed");
    }
    return 0;
}

} // namespace hooks::cli
