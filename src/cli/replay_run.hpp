// SPDX-License-Identifier: MIT
/// `hooks replay`'s run: the replay engine (core/replay/engine.hpp) with SIGINT handling, its
/// reports printed, and the exit code.
#pragma once

#include "cli/context.hpp"
#include "core/log/source.hpp"
#include "core/replay/plan.hpp"

#include <string>

namespace hooks::cli {

/// The engine's plan, and what only the command's output needs.
struct ReplayCommand {
    replay::Plan plan;
    std::string destination_text; ///< --to as the user gave it
    std::string log_path;         ///< as the user gave it, "-" for stdin
    bool is_dry_run = false;
    bool is_json = false;
    bool is_quiet = false;
};

/// Replays every selected record of `source` (or lists them, for a dry run); the exit code: 0
/// when each was delivered (or already acknowledged in the journal), 1 when any finally failed,
/// 130 when interrupted.
Result<int> run_replay(log::Source& source, const ReplayCommand& command,
                       const replay::SourceProgress& progress, Context& context);

} // namespace hooks::cli
