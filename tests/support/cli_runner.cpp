// SPDX-License-Identifier: MIT
#include "support/cli_runner.hpp"

namespace hooks::testing {

CliResult run_cli(const std::vector<std::string>& args, const CliEnvironment& environment) {
    std::istringstream in(environment.stdin_text);
    std::ostringstream out;
    std::ostringstream err;
    cli::Context context(in, out, err);
    std::map<std::string, std::string> variables = environment.variables;
    variables["HOOKS_NOW"] = std::to_string(environment.now);
    context.getenv = [variables](const std::string& name) -> std::optional<std::string> {
        auto it = variables.find(name);
        return it == variables.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    context.is_stdin_tty = environment.is_stdin_tty;
    CliResult result;
    result.exit_code = cli::run(args, context);
    result.out = out.str();
    result.err = err.str();
    return result;
}

CliResult run_with_body(const std::string& command, std::vector<std::string> args,
                        const std::string& body, long long now) {
    CliEnvironment environment;
    environment.stdin_text = body;
    environment.now = now;
    args.insert(args.begin(), command);
    args.push_back("-");
    return run_cli(args, environment);
}

} // namespace hooks::testing
