// SPDX-License-Identifier: MIT
/// Flags that several subcommands share (secrets, headers, provider, output), and their reading.
#pragma once

#include "cli/context.hpp"
#include "core/error.hpp"
#include "core/message/message.hpp"
#include "core/providers/registry.hpp"
#include "core/providers/secret.hpp"
#include "core/retry/schedule.hpp"

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace hooks::cli {

/// Tracks that standard input is read at most once (body or secret, not both).
struct StdinGuard {
    bool is_used = false;
};

/// A check for an option that takes a whole number from `min` to `max`: anything else fails
/// with "'VALUE' is not a whole number from MIN to MAX" (CLI11 puts the option's name first).
CLI::Validator whole_number(long long min, long long max);

/// The same for a decimal number ("0.5", "1e-3").
CLI::Validator decimal_number(double min, double max);

struct SecretOptions {
    std::vector<std::string> values;
    std::vector<std::string> files;
    std::vector<std::string> env_names;
};

/// Adds --secret, --secret-file and --secret-env.
void add_secret_options(CLI::App& command, SecretOptions& options, const std::string& what);

/// The secrets in the order given; HOOKS_SECRET when no flag names one. Fails (exit 2) on
/// none, an empty one, an unreadable file or an unset variable, naming the source only.
Result<std::vector<providers::Secret>> resolve_secrets(const SecretOptions& options,
                                                       Context& context, StdinGuard& stdin_guard);

/// Whether a flag names a secret, or HOOKS_SECRET is set.
bool gives_secret(const SecretOptions& options, const Context& context);

/// For a command that verifies many deliveries (listen, inspect): the secrets given, none when
/// none is, each checked against `scheme` when it is known, so that a secret that can never
/// verify is refused at start rather than reported on every delivery.
Result<std::vector<providers::Secret>> resolve_usable_secrets(const SecretOptions& options,
                                                              const providers::Scheme* scheme,
                                                              Context& context);

struct HeaderOptions {
    std::vector<std::string> headers;
    std::string headers_file;
};

/// Adds -H/--header, and --headers-file when `with_file`.
void add_header_options(CLI::App& command, HeaderOptions& options, bool with_file);

/// The headers from --headers-file (in file order) then -H (in flag order); a request line in
/// the file fills method and target.
Result<message::Message> resolve_headers(const HeaderOptions& options);

struct ProviderOptions {
    std::string name;
    std::vector<std::string> files;
};

/// Adds --provider (required unless `default_name` is set or `is_required` is false) and
/// --provider-file.
void add_provider_options(CLI::App& command, ProviderOptions& options,
                          const std::string& default_name, bool is_required = true);

/// The built-in providers plus those in --provider-file.
Result<providers::Registry> load_registry(const ProviderOptions& options);

struct RetryOptions {
    std::string schedule;
    std::optional<unsigned> retries;
    std::string timeout;
    double time_scale = 1.0;
};

/// Adds --retry-schedule, --retries, --timeout and --time-scale; `default_schedule` says what
/// --retry-schedule defaults to for this command.
void add_retry_options(CLI::App& command, RetryOptions& options,
                       const std::string& default_schedule);

/// The schedule the flags ask for: `provider`'s preset (or `default`) unless --retry-schedule
/// names a list (which keeps the preset's response budget) or another preset; cut to
/// --retries; --timeout replaces the budget. Fails (usage error) naming the flag.
Result<retry::Schedule> resolve_schedule(const RetryOptions& options, std::string_view provider);

struct OutputOptions {
    bool is_json = false;
    std::string color = "auto";
};

/// Adds --json and --color.
void add_output_options(CLI::App& command, OutputOptions& options);

/// Whether to colour: --color always/never, else a TTY and no NO_COLOR.
bool should_color(const OutputOptions& options, const Context& context);

/// Wraps `text` in an ANSI colour (31 red, 32 green, 33 yellow, 1 bold) when `is_on`.
std::string paint(std::string_view text, int ansi_code, bool is_on);

/// What is printed in place of a secret that a provider sends as a header's value.
using providers::k_secret_not_printed;

/// `headers` with the value of `info`'s signature header replaced by k_secret_not_printed when
/// the provider sends the secret itself (GitLab's token, Postmark's Basic auth), for printing:
/// a secret is never printed, in any output mode.
std::vector<message::Header> without_secrets(std::vector<message::Header> headers,
                                             const providers::ProviderInfo& info);

/// A received header's value for a terminal: the credentials a receiver is sent (Authorization,
/// X-Gitlab-Token) as k_secret_not_printed, anything else as it came.
std::string_view shown_value(const message::Header& header);

/// What sign and verify read before their own work: providers, headers, secrets and body.
struct RequestInputs {
    providers::Registry registry;
    /// The provider named by --provider; null for "auto".
    const providers::Scheme* scheme = nullptr;
    /// The -H/--headers-file headers with the body read from FILE or stdin.
    message::Message message;
    std::vector<providers::Secret> secrets;
};

/// Reads everything a signing or verifying command needs, in the order that reports the
/// first problem a user would fix: provider, headers, secrets, body.
Result<RequestInputs> read_request_inputs(const ProviderOptions& provider,
                                          const SecretOptions& secrets,
                                          const HeaderOptions& headers,
                                          const std::string& body_path, Context& context);

/// The raw bytes of FILE, or of stdin for "-" (or an empty path). Refuses to wait on a
/// terminal.
Result<std::string> read_body(const std::string& path, Context& context, StdinGuard& stdin_guard);

/// The raw bytes of a file; fails naming the path and the system's reason.
Result<std::string> read_file(const std::string& path);

} // namespace hooks::cli
