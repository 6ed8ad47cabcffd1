// SPDX-License-Identifier: MIT
// `hooks completion SHELL`: print a completion script generated from the command tree.
#include "cli/commands.hpp"

namespace hooks::cli {

void register_completion(CLI::App& app, Context& context) {
    CLI::App* command = app.add_subcommand("completion", commands()[3].summary.data());
    command->callback([&context] {
        context.action = []() -> Result<int> { return fail(ErrorKind::usage, "completion: pending"); };
    });
}

} // namespace hooks::cli
