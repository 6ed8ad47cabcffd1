// SPDX-License-Identifier: MIT
#include "cli/common_options.hpp"

#include "core/text/duration.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hooks::cli {
namespace {

// Reads to the end in chunks; returns nothing if the stream failed for a reason other than EOF.
std::optional<std::string> read_all(std::istream& in) {
    std::string text;
    char chunk[65536];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
        text.append(chunk, static_cast<size_t>(in.gcount()));
    }
    if (in.bad()) {
        return std::nullopt;
    }
    return text;
}

Result<std::string> read_stdin(Context& context, StdinGuard& guard, const std::string& what) {
    if (guard.is_used) {
        return fail(ErrorKind::usage, "standard input can be read only once; " + what +
                                          " and another input both asked for '-'");
    }
    if (context.is_stdin_tty) {
        return fail(ErrorKind::usage,
                    "no " + what + " given: pass FILE or pipe it on standard input");
    }
    guard.is_used = true;
    auto text = read_all(context.in);
    if (!text) {
        return fail(ErrorKind::input, "could not read " + what + " from standard input");
    }
    return std::move(*text);
}

// Secret files usually end in the newline an editor adds; it is never part of a key.
std::string strip_one_newline(std::string text) {
    if (!text.empty() && text.back() == '\n') {
        text.pop_back();
        if (!text.empty() && text.back() == '\r') {
            text.pop_back();
        }
    }
    return text;
}

/// `value` as the shortest decimal that reads back the same: "0.5", "1000".
std::string format_decimal(double value) {
    std::ostringstream text;
    text << value;
    return text.str();
}

} // namespace

CLI::Validator whole_number(long long min, long long max) {
    std::string range = std::to_string(min) + " to " + std::to_string(max);
    return CLI::Validator(
        [min, max, range](std::string& text) -> std::string {
            long long value = 0;
            auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
                value < min || value > max) {
                return "'" + text + "' is not a whole number from " + range;
            }
            return {};
        },
        "INT in [" + std::to_string(min) + " - " + std::to_string(max) + "]");
}

CLI::Validator decimal_number(double min, double max) {
    std::string range = format_decimal(min) + " to " + format_decimal(max);
    return CLI::Validator(
        [min, max, range](std::string& text) -> std::string {
            char* end = nullptr;
            errno = 0;
            double value = text.empty() ? 0 : std::strtod(text.c_str(), &end);
            if (text.empty() || errno != 0 || end != text.c_str() + text.size() ||
                !(value >= min && value <= max)) {
                return "'" + text + "' is not a number from " + range;
            }
            return {};
        },
        "FLOAT in [" + format_decimal(min) + " - " + format_decimal(max) + "]");
}

void add_secret_options(CLI::App& command, SecretOptions& options, const std::string& what) {
    std::string capitalized = what;
    capitalized[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(capitalized[0])));
    command
        .add_option("--secret", options.values,
                    capitalized + " (repeatable: any one matching passes). Visible in the process "
                                  "list: prefer --secret-file or --secret-env outside tests")
        ->allow_extra_args(false);
    command
        .add_option("--secret-file", options.files,
                    "Read " + what +
                        " from PATH, or '-' for stdin; one trailing newline "
                        "is dropped (repeatable)")
        ->type_name("PATH")
        ->allow_extra_args(false);
    command
        .add_option("--secret-env", options.env_names,
                    "Read " + what +
                        " from environment variable NAME (repeatable); "
                        "without any secret flag HOOKS_SECRET is used")
        ->type_name("NAME")
        ->allow_extra_args(false);
}

Result<std::vector<providers::Secret>> resolve_secrets(const SecretOptions& options,
                                                       Context& context, StdinGuard& stdin_guard) {
    std::vector<providers::Secret> secrets;
    for (size_t i = 0; i < options.values.size(); ++i) {
        secrets.push_back({options.values[i], "--secret #" + std::to_string(i + 1)});
    }
    for (const std::string& path : options.files) {
        auto text = path == "-" ? read_stdin(context, stdin_guard, "secret") : read_file(path);
        if (!text) {
            return tl::unexpected(text.error());
        }
        secrets.push_back({strip_one_newline(std::move(*text)), "--secret-file " + path});
    }
    for (const std::string& name : options.env_names) {
        auto value = context.getenv(name);
        if (!value) {
            // Name the variable only when it looks like one, in case a secret was given here.
            bool is_plausible_name =
                !name.empty() && name.size() <= 64 &&
                std::isdigit(static_cast<unsigned char>(name[0])) == 0 &&
                std::all_of(name.begin(), name.end(), [](char c) {
                    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                });
            return fail(ErrorKind::usage, is_plausible_name
                                              ? "environment variable " + name + " is not set"
                                              : "the environment variable named by --secret-env "
                                                "is not set (names are upper case, digits and _)");
        }
        secrets.push_back({*value, "--secret-env " + name});
    }
    if (secrets.empty()) {
        if (auto value = context.getenv("HOOKS_SECRET")) {
            secrets.push_back({*value, "HOOKS_SECRET"});
        }
    }
    if (secrets.empty()) {
        return fail(ErrorKind::usage,
                    "no secret: give --secret, --secret-file or --secret-env, or set HOOKS_SECRET");
    }
    for (const providers::Secret& secret : secrets) {
        if (secret.value.empty()) {
            return fail(ErrorKind::input, "secret from " + secret.label + " is empty");
        }
    }
    return secrets;
}

void add_header_options(CLI::App& command, HeaderOptions& options, bool with_file) {
    command
        .add_option("-H,--header", options.headers, "A request header 'Name: value' (repeatable)")
        ->type_name("'NAME: VALUE'")
        ->allow_extra_args(false);
    if (with_file) {
        command
            .add_option("--headers-file", options.headers_file,
                        "Read request headers from a raw header block, as copied from a "
                        "request dump (an optional request line, then 'Name: value' lines)")
            ->type_name("PATH");
    }
}

Result<message::Message> resolve_headers(const HeaderOptions& options) {
    message::Message message;
    if (!options.headers_file.empty()) {
        auto text = read_file(options.headers_file);
        if (!text) {
            return tl::unexpected(text.error());
        }
        auto parsed = message::parse_header_block(*text);
        if (!parsed) {
            return fail(ErrorKind::input, options.headers_file + ": " + parsed.error().message);
        }
        message = std::move(*parsed);
    }
    for (const std::string& line : options.headers) {
        auto header = message::parse_header_line(line);
        if (!header) {
            return fail(ErrorKind::usage, "-H: " + header.error().message);
        }
        message.headers.push_back(std::move(*header));
    }
    return message;
}

void add_provider_options(CLI::App& command, ProviderOptions& options,
                          const std::string& default_name, bool is_required) {
    // Built once per process, without building the providers: every subcommand registers this
    // option at start-up.
    static const std::string names = [] {
        std::string list;
        for (std::string_view name : providers::Registry::builtin_names()) {
            list += (list.empty() ? "" : ", ") + std::string(name);
        }
        return list;
    }();
    auto* option = command.add_option(
        "--provider", options.name,
        "The provider: " + names +
            (default_name.empty() ? "" : "; or 'auto' to detect it from the headers") +
            " ('hooks providers NAME' explains one)");
    option->type_name("NAME");
    if (default_name.empty()) {
        option->required(is_required);
    } else {
        options.name = default_name;
        option->capture_default_str();
    }
    command
        .add_option("--provider-file", options.files,
                    "Load HMAC provider profiles from a JSON file (see 'hooks providers --help')")
        ->type_name("PATH")
        ->allow_extra_args(false);
}

Result<providers::Registry> load_registry(const ProviderOptions& options) {
    providers::Registry registry = providers::Registry::builtin();
    for (const std::string& path : options.files) {
        auto text = read_file(path);
        if (!text) {
            return tl::unexpected(text.error());
        }
        if (auto added = registry.add_profiles(*text); !added) {
            return fail(ErrorKind::config, path + ": " + added.error().message);
        }
    }
    return registry;
}

void add_output_options(CLI::App& command, OutputOptions& options) {
    command.add_flag("--json", options.is_json,
                     "Print one JSON object (with \"v\": 1) instead of text");
    command.add_option("--color", options.color, "Colour output: auto, always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
}

bool should_color(const OutputOptions& options, const Context& context) {
    if (options.color == "always") {
        return true;
    }
    if (options.color == "never" || context.getenv("NO_COLOR")) {
        return false;
    }
    return context.is_stdout_tty;
}

std::string paint(std::string_view text, int ansi_code, bool is_on) {
    if (!is_on) {
        return std::string(text);
    }
    return "\x1b[" + std::to_string(ansi_code) + "m" + std::string(text) + "\x1b[0m";
}

std::vector<message::Header> without_secrets(std::vector<message::Header> headers,
                                             const providers::ProviderInfo& info) {
    if (info.sends_secret_itself) {
        for (message::Header& header : headers) {
            if (message::names_equal(header.name, info.signature_header)) {
                header.value = std::string(k_secret_not_printed);
            }
        }
    }
    return headers;
}

std::string_view shown_value(const message::Header& header) {
    if (message::names_equal(header.name, "Authorization") ||
        message::names_equal(header.name, "X-Gitlab-Token")) {
        return k_secret_not_printed;
    }
    return header.value;
}

Result<RequestInputs> read_request_inputs(const ProviderOptions& provider,
                                          const SecretOptions& secrets,
                                          const HeaderOptions& headers,
                                          const std::string& body_path, Context& context) {
    auto registry = load_registry(provider);
    if (!registry) {
        return tl::unexpected(registry.error());
    }
    RequestInputs inputs;
    inputs.registry = std::move(*registry);
    if (provider.name != "auto") {
        auto found = inputs.registry.find(provider.name);
        if (!found) {
            return tl::unexpected(found.error());
        }
        inputs.scheme = *found;
    }
    auto message = resolve_headers(headers);
    if (!message) {
        return tl::unexpected(message.error());
    }
    inputs.message = std::move(*message);
    StdinGuard stdin_guard;
    auto resolved = resolve_secrets(secrets, context, stdin_guard);
    if (!resolved) {
        return tl::unexpected(resolved.error());
    }
    inputs.secrets = std::move(*resolved);
    auto body = read_body(body_path, context, stdin_guard);
    if (!body) {
        return tl::unexpected(body.error());
    }
    inputs.message.body = std::move(*body);
    return inputs;
}

Result<std::string> read_body(const std::string& path, Context& context, StdinGuard& stdin_guard) {
    if (path.empty() || path == "-") {
        return read_stdin(context, stdin_guard, "body");
    }
    return read_file(path);
}

Result<std::string> read_file(const std::string& path) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
        return fail(ErrorKind::input, "cannot read " + path + ": it is a directory");
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        return fail(ErrorKind::input, "cannot read " + path + ": " + std::strerror(errno));
    }
    auto text = read_all(file);
    if (!text) {
        return fail(ErrorKind::input, "cannot read " + path + ": " + std::strerror(errno));
    }
    return std::move(*text);
}

void add_retry_options(CLI::App& command, RetryOptions& options,
                       const std::string& default_schedule) {
    command
        .add_option("--retry-schedule", options.schedule,
                    "Waits before each retry, e.g. 0,1s,5s, or a provider's preset name, or "
                    "'none' (default: " +
                        default_schedule + ")")
        ->type_name("LIST|PRESET");
    command.add_option("--retries", options.retries, "At most N retries (0: try once)")
        ->type_name("N")
        ->check(whole_number(0, 1000));
    command
        .add_option("--timeout", options.timeout,
                    "Response budget per attempt (default: the schedule's)")
        ->type_name("DURATION");
    command
        .add_option("--time-scale", options.time_scale,
                    "Multiply every retry wait by F (0.001 turns minutes into milliseconds)")
        ->type_name("F")
        ->check(decimal_number(0, 1000))
        ->capture_default_str();
}

Result<retry::Schedule> resolve_schedule(const RetryOptions& options, std::string_view provider) {
    retry::Schedule schedule = retry::preset(provider);
    if (!options.schedule.empty()) {
        auto parsed = retry::parse_schedule(options.schedule);
        if (!parsed) {
            return fail(ErrorKind::usage, "--retry-schedule: " + parsed.error().message);
        }
        // A plain list keeps the provider's response budget; a preset brings its own.
        std::chrono::milliseconds budget = schedule.timeout;
        schedule = std::move(*parsed);
        if (schedule.name == "custom") {
            schedule.timeout = budget;
        }
    }
    if (options.retries && *options.retries < schedule.delays.size()) {
        schedule.delays.resize(*options.retries);
        schedule.name += " cut to --retries " + std::to_string(*options.retries);
    }
    if (!options.timeout.empty()) {
        auto timeout = text::parse_duration(options.timeout);
        if (!timeout) {
            return fail(ErrorKind::usage, "--timeout: " + timeout.error().message);
        }
        schedule.timeout = *timeout;
    }
    return schedule;
}

bool gives_secret(const SecretOptions& options, const Context& context) {
    return !options.values.empty() || !options.files.empty() || !options.env_names.empty() ||
           context.getenv("HOOKS_SECRET");
}

Result<std::vector<providers::Secret>> resolve_usable_secrets(const SecretOptions& options,
                                                              const providers::Scheme* scheme,
                                                              Context& context) {
    if (!gives_secret(options, context)) {
        return std::vector<providers::Secret>{};
    }
    StdinGuard guard;
    auto resolved = resolve_secrets(options, context, guard);
    if (!resolved) {
        return tl::unexpected(resolved.error());
    }
    if (scheme != nullptr) {
        if (auto usable = scheme->check_secrets(*resolved); !usable) {
            return tl::unexpected(usable.error());
        }
    }
    return resolved;
}

} // namespace hooks::cli
