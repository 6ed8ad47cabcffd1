// SPDX-License-Identifier: MIT
#include "cli/commands.hpp"

#include "cli/version.hpp"

#include <array>

namespace hooks::cli {
namespace {

constexpr std::array<Command, 8> k_commands = {{
    {"sign", "Print the signature headers a provider would send for a body", register_sign},
    {"verify", "Check a delivery's signature; exit 0 valid, 1 invalid, 2 bad input",
     register_verify},
    {"send", "Send a provider's event, signed and in its envelope, to a URL, with retries",
     register_send},
    {"listen", "Receive webhooks locally: show, verify, record and forward every delivery",
     register_listen},
    {"replay", "Re-deliver a captured log or HAR file, with retries and a resumable journal",
     register_replay},
    {"inspect", "Open a saved log or HAR file in the browser inspector: explain, compare, replay",
     register_inspect},
    {"providers", "List the providers, or explain one's signature scheme", register_providers},
    {"completion", "Print a shell completion script (bash, zsh, fish)", register_completion},
}};

} // namespace

std::span<const Command> commands() {
    return k_commands;
}

void build_app(CLI::App& app, Context& context, std::string_view only) {
    app.description("hooks: sign, verify and receive webhooks byte-exactly as their providers do, "
                    "for any provider, offline.");
    app.set_version_flag("--version", std::string("hooks ") + k_version);
    app.require_subcommand(1);
    app.footer("Exit codes: 0 success or valid, 1 a negative result (invalid signature, expired,\n"
               "missing header), 2 usage or input error, 130 interrupted.\n"
               "Run 'hooks COMMAND --help' for a command's flags and examples; 'man hooks'.");
    for (const Command& command : k_commands) {
        if (!only.empty() && command.name != only) {
            continue;
        }
        command.register_command(
            *app.add_subcommand(std::string(command.name), std::string(command.summary)), context);
    }
}

} // namespace hooks::cli
