// SPDX-License-Identifier: MIT
/// The replay engine: read a log, select records (filter, journal), re-sign them (optional),
/// deliver them with retries and journal each outcome. It never prints: it reports through an
/// Observer and returns a Summary.
#pragma once

#include "core/http/attempt_stats.hpp"
#include "core/http/transport.hpp"
#include "core/log/source.hpp"
#include "core/replay/observer.hpp"
#include "core/replay/plan.hpp"
#include "core/replay/preparer.hpp"
#include "core/time/clock.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace hooks::replay {

/// The outside world as a replay sees it, passed in: tests give a fake clock and transport.
struct Environment {
    /// Wall time for signatures, monotonic time for the elapsed time and rates.
    const time::Clock& clock;
    /// Where the deliveries go (its run_batch()).
    const http::Transport& transport;
    /// Polled often; true stops the run gracefully: no new records start, no further attempts,
    /// requests on the wire finish. May be empty (never stops).
    std::function<bool()> should_stop;
};

/// What a run did.
struct Summary {
    ReadTotals read;
    std::uint64_t delivered = 0;                   ///< records acknowledged in this run
    std::uint64_t failed = 0;                      ///< records that finally failed in this run
    std::map<std::string, std::uint64_t> failures; ///< by http::failure_cause()
    http::LatencyStats latency;                    ///< of each record's last attempt
    std::chrono::duration<double> elapsed{0};
    bool is_interrupted = false; ///< should_stop() turned true
    std::string source_warning;  ///< log::Source::warning(), empty when none
    /// Set when reading stopped at a corrupt line (read.corrupt_line): the records before it
    /// were replayed and are counted above.
    std::optional<Error> read_error;
};

/// Replays every selected record of `source` to `plan.destination` through
/// `environment.transport`. Fails when the journal or the failed-records log cannot be opened
/// or written, the journal belongs to another log or destination, or a secret cannot sign; a
/// corrupt log is not a failure but Summary::read_error. Failed deliveries are in the summary.
Result<Summary> run(log::Source& source, const Plan& plan, const SourceProgress& progress,
                    const Environment& environment, Observer& observer);

/// What a dry run found.
struct DryRunTotals {
    ReadTotals read;
    std::uint64_t selected = 0;
    std::string source_warning; ///< log::Source::warning(), empty when none
};

/// Lists what run() would send, through Observer::on_planned(), sending nothing. A journal that
/// exists is read (records it acknowledged are skipped) but none is started, and no
/// failed-records log is written. Fails as run() does, and on a corrupt log.
Result<DryRunTotals> dry_run(log::Source& source, const Plan& plan, const time::Clock& clock,
                             Observer& observer);

} // namespace hooks::replay
