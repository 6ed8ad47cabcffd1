// SPDX-License-Identifier: MIT
#include "cli/run.hpp"

#include "cli/commands.hpp"
#include "core/providers/timestamp.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <unistd.h>

namespace hooks::cli {
namespace {

std::shared_ptr<const time::Clock> choose_clock(const Context& context) {
    if (auto pinned = context.getenv("HOOKS_NOW")) {
        if (auto parsed = providers::parse_timestamp(*pinned, providers::TimestampUnit::seconds)) {
            return std::make_shared<time::PinnedClock>(
                std::chrono::system_clock::time_point(*parsed));
        }
    }
    if (context.clock) {
        return context.clock;
    }
    return {std::shared_ptr<const time::Clock>(), &time::system_clock()}; // not owned
}

std::string one_line(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '.')) {
        text.pop_back();
    }
    for (char& c : text) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return text;
}

// CLI11 quotes the arguments it could not place, and a misplaced secret would be among them:
// name only the options (their text before any '='), and count the rest.
std::string describe_extras(const CLI::App& app) {
    std::string names;
    size_t values = 0;
    for (const std::string& extra : app.remaining(true)) {
        if (extra.size() > 1 && extra[0] == '-') {
            names += (names.empty() ? "" : ", ") + extra.substr(0, extra.find('='));
        } else {
            ++values;
        }
    }
    std::string text = "unexpected argument";
    if (!names.empty()) {
        text += "s " + names;
    }
    if (values > 0) {
        text += (names.empty() ? "s: " : " and ") + std::to_string(values) + " value" +
                (values == 1 ? "" : "s") + " that no option takes";
    }
    return text;
}

} // namespace

int run(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err) {
    Context context{in, out, err};
    context.getenv = [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
    };
    context.is_stdin_tty = isatty(STDIN_FILENO) == 1;
    context.is_stdout_tty = isatty(STDOUT_FILENO) == 1;
    context.is_stderr_tty = isatty(STDERR_FILENO) == 1;
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    return run(args, context);
}

int run(const std::vector<std::string>& args, Context& context) {
    context.clock = choose_clock(context);
    try {
        CLI::App app("", "hooks");
        // The named command alone, except for completion, which walks the whole tree.
        std::string_view named = args.empty() ? std::string_view() : std::string_view(args.front());
        bool is_command =
            std::any_of(commands().begin(), commands().end(),
                        [&](const Command& command) { return command.name == named; });
        build_app(app, context, is_command && named != "completion" ? named : std::string_view());
        std::vector<std::string> reversed(args.rbegin(), args.rend());
        try {
            app.parse(reversed);
        } catch (const CLI::CallForHelp& e) {
            return app.exit(e, context.out, context.err);
        } catch (const CLI::CallForAllHelp& e) {
            return app.exit(e, context.out, context.err);
        } catch (const CLI::CallForVersion& e) {
            return app.exit(e, context.out, context.err);
        } catch (const CLI::RequiredError& e) {
            // A missing subcommand and a missing required option both land here.
            if (args.empty()) {
                context.err << app.help();
                return 2;
            }
            bool is_known = false;
            for (const Command& command : commands()) {
                is_known = is_known || command.name == args.front();
            }
            if (!is_known && !args.front().empty() && args.front()[0] != '-') {
                context.err << "hooks: error: unknown command '" << args.front()
                            << "' (see 'hooks --help')\n";
                return 2;
            }
            context.err << "hooks: error: " << one_line(e.what()) << " (see --help)\n";
            return 2;
        } catch (const CLI::ExtrasError&) {
            context.err << "hooks: error: " << describe_extras(app) << " (see --help)\n";
            return 2;
        } catch (const CLI::ParseError& e) {
            // Printed as it is: a secret reaches CLI11 only as the value of --secret, a string
            // option that no parse error quotes (one out of place is an extra, named above).
            context.err << "hooks: error: " << one_line(e.what()) << " (see --help)\n";
            return 2;
        }
        if (!context.action) {
            context.err << app.help();
            return 2;
        }
        auto code = context.action();
        if (!code) {
            context.err << "hooks: error: " << one_line(code.error().message) << '\n';
            return exit_code_for(code.error().kind);
        }
        context.out.flush();
        return *code;
    } catch (const std::exception& e) {
        context.err << "hooks: internal error: " << one_line(e.what()) << '\n';
        return 2;
    }
}

} // namespace hooks::cli
