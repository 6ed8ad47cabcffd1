// SPDX-License-Identifier: MIT
/// The table of subcommands: help, completions and the man-page drift test read it.
#pragma once

#include "cli/context.hpp"

#include <CLI/CLI.hpp>
#include <span>
#include <string_view>

namespace hooks::cli {

/// One subcommand: its name, one-line summary and the function that fills in its flags,
/// footer and callback once build_app() has added it under that name and summary.
struct Command {
    std::string_view name;
    std::string_view summary;
    void (*register_command)(CLI::App& command, Context& context);
};

/// Every subcommand, in the order `hooks --help` lists them.
std::span<const Command> commands();

/// Builds the command tree into `app`: the global flags and every subcommand, or with `only`
/// the subcommand of that name alone (a run that names its command needs no other: building
/// them all was an eighth of a `hooks verify` call).
void build_app(CLI::App& app, Context& context, std::string_view only = {});

void register_sign(CLI::App& command, Context& context);
void register_verify(CLI::App& command, Context& context);
void register_send(CLI::App& command, Context& context);
void register_listen(CLI::App& command, Context& context);
void register_replay(CLI::App& command, Context& context);
void register_inspect(CLI::App& command, Context& context);
void register_providers(CLI::App& command, Context& context);
void register_completion(CLI::App& command, Context& context);

} // namespace hooks::cli
