// SPDX-License-Identifier: MIT
/// What `hooks replay` prints: the replay engine's reports as text or JSON Lines.
#pragma once

#include "cli/context.hpp"
#include "cli/replay_run.hpp"
#include "core/replay/engine.hpp"
#include "core/replay/observer.hpp"

namespace hooks::cli {

/// Prints what the engine reports: the journal's resume note and the first destination on
/// stderr, a line per failed delivery (or, with --json, per delivery) on stdout, the progress
/// line on stderr (redrawn on a terminal, else a line now and then).
class ReplayPrinter final : public replay::Observer {
  public:
    ReplayPrinter(const ReplayCommand& command, Context& context)
        : m_command(command), m_context(context) {}

    void on_journal_opened(const replay::Journal& journal) override;
    void on_first_delivery(const replay::SelectedRecord& first) override;
    void on_finished(const replay::SelectedRecord& selected,
                     const replay::Outcome& outcome) override;
    void on_progress(const replay::Progress& progress) override;
    void on_planned(std::uint64_t index, const Result<message::Message>& request) override;

    /// Clears a progress line drawn on the terminal; after the run.
    void end_progress();

    /// The run's summary: two lines and the latency and failure lines, or a JSON object.
    void print_summary(replay::Summary& summary);

    /// The dry run's last lines: the log's warning (stderr) and its totals.
    void print_dry_run(const replay::DryRunTotals& totals);

  private:
    const ReplayCommand& m_command;
    Context& m_context;
    bool m_has_drawn = false; ///< a progress line is on the terminal
};

} // namespace hooks::cli
