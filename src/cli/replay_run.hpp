// SPDX-License-Identifier: MIT
/// `hooks replay`'s run: records streamed from a log into the batch engine, the journal, the
/// progress line and the summary.
#pragma once

#include "cli/context.hpp"
#include "core/http/batch.hpp"
#include "core/log/source.hpp"
#include "core/providers/registry.hpp"
#include "core/replay/filter.hpp"
#include "core/retry/schedule.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hooks::cli {

/// Everything that stays the same across a replay's deliveries.
struct ReplayPlan {
    http::Url destination;
    std::string destination_text; ///< as the user gave it
    /// The provider to sign afresh for; null sends the captured headers.
    const providers::Scheme* scheme = nullptr;
    std::vector<providers::Secret> secrets;
    const providers::Registry* registry = nullptr; ///< for the filter's provider detection
    replay::Filter filter;
    std::vector<message::Header> extra_headers; ///< -H, replacing same-named ones
    retry::Schedule schedule;
    double time_scale = 1.0;
    http::BatchOptions batch;
    std::string log_path; ///< as the user gave it, "-" for stdin
    std::string journal_path;
    std::string failed_path;
    bool is_dry_run = false;
    bool is_json = false;
    bool is_quiet = false;
    std::function<providers::UnixMillis()> now;
};

/// Where the log is read from, for the progress line's ETA: the log's size in bytes when it
/// is a regular file, and a way to ask how far reading has got.
struct SourceProgress {
    std::optional<std::uint64_t> size;
    std::function<std::uint64_t()> position;
};

/// Replays every selected record of `source`; the exit code: 0 when each was delivered (or
/// already acknowledged in the journal), 1 when any finally failed, 130 when interrupted.
Result<int> run_replay(log::Source& source, const ReplayPlan& plan, const SourceProgress& progress,
                       Context& context);

} // namespace hooks::cli
