// SPDX-License-Identifier: MIT
// `hooks listen`: a local receiver that shows, checks, records and forwards every delivery.
#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/listen_options.hpp"
#include "cli/listen_print.hpp"
#include "cli/stop_signals.hpp"
#include "core/inspect/feed.hpp"
#include "core/listen/listener.hpp"
#include "core/text/duration.hpp"

#include <csignal>
#include <ostream>

namespace hooks::cli {
namespace {
http::ServerOptions server_options_for(const ListenOptions& options) {
    http::ServerOptions server_options;
    server_options.host = options.host;
    server_options.port = options.port;
    server_options.limits.max_body_bytes = options.max_body;
    server_options.limits.max_connections = options.max_connections;
    server_options.threads = options.threads;
    return server_options;
}

/// The exit code for how serving ended: 130 on SIGINT; 1 when --timeout passed first or, with
/// --require-valid, a delivery did not verify; else 0.
Result<int> exit_code(const ListenOptions& options, const listen::Outcome& outcome) {
    if (outcome.was_told_to_stop) {
        return StopSignals::signal_number() == SIGINT ? 130 : 0;
    }
    if (outcome.has_timed_out) {
        return fail(ErrorKind::negative, "timed out after " + options.timeout + ": " +
                                             std::to_string(outcome.deliveries) + " of " +
                                             std::to_string(options.count.value_or(0)) +
                                             " deliveries arrived");
    }
    if (options.requires_valid && outcome.invalid > 0) {
        return fail(ErrorKind::negative, std::to_string(outcome.invalid) + " of " +
                                             std::to_string(outcome.deliveries) +
                                             " deliveries failed verification");
    }
    return 0;
}

Result<int> run_listen(const ListenOptions& options, Context& context) {
    auto registry = load_registry(options.provider);
    if (!registry) {
        return tl::unexpected(registry.error());
    }
    auto config = configure(options, *registry, context);
    if (!config) {
        return tl::unexpected(config.error());
    }
    // Installed before the port is bound: a signal from then on stops the listener cleanly.
    StopSignals signals;
    listen::StopWhen when;
    when.count = options.count;
    when.should_stop = [] { return StopSignals::is_stop_requested(); };
    if (!options.timeout.empty()) {
        auto parsed = text::parse_duration(options.timeout);
        if (!parsed) {
            return fail(ErrorKind::usage, "--timeout: " + parsed.error().message);
        }
        when.after = *parsed;
    }
    std::unique_ptr<log::Writer> log;
    if (!options.log_path.empty()) {
        auto opened = log::Writer::open(options.log_path);
        if (!opened) {
            return tl::unexpected(opened.error());
        }
        log = std::move(*opened);
        config->log = log.get();
    }
    bool checks_signatures = !config->secrets.empty();
    ListenPrinter printer(options.output.is_json, options.is_quiet,
                          PrintStyle{should_color(options.output, context), options.shows_headers},
                          context);
    // With --ui every delivery also goes to the inspector's store; both outlive the listener.
    inspect::Store store;
    inspect::ListenFeed feed(printer, store);
    inspect::InspectorConfig ui_config = inspector_config(options, *config);
    std::unique_ptr<InspectorThread> ui;
    listen::Listener listener(std::move(*config),
                              options.has_ui ? static_cast<listen::Observer&>(feed) : printer);
    if (auto bound = listener.bind(server_options_for(options)); !bound) {
        return tl::unexpected(bound.error());
    }
    bool is_v6 = listener.host().find(':') != std::string::npos;
    context.err << "Listening on http://" << (is_v6 ? "[" + listener.host() + "]" : listener.host())
                << ':' << listener.port() << '\n';
    if (options.has_ui) {
        ui_config.source = (is_v6 ? "[" + listener.host() + "]" : listener.host()) + ":" +
                           std::to_string(listener.port());
        auto started = InspectorThread::start(std::move(ui_config), store, options.ui);
        if (!started) {
            return fail(started.error().kind, "--ui: " + started.error().message);
        }
        ui = std::move(*started);
        context.err << "Inspector on " << ui->url() << '\n';
    }
    describe_start(options, checks_signatures, log.get(), context.err);
    context.err << std::flush;
    listen::Outcome outcome = listener.run(when);
    context.out << std::flush;
    if (auto failure = log ? log->writeback_failure() : std::nullopt) {
        context.err << "hooks: warning: the system could not write " << options.log_path
                    << " back to disk: " << *failure << '\n'
                    << std::flush;
    }
    return exit_code(options, outcome);
}

/// --respond, --delay and the simulated failures.
void add_response_options(CLI::App& command, ListenOptions& options) {
    command
        .add_option("--respond", options.responds,
                    "Answer STATUS, or the response in FILE (status line, headers, blank line, "
                    "body, as curl -i prints it). With GLOB=, only deliveries whose event type "
                    "matches GLOB (or whose path does, for a GLOB starting with /), even when "
                    "forwarded; first match wins; repeatable. Default 200")
        ->type_name("[GLOB=]STATUS|@FILE");
    command.add_option("--delay", options.delay, "Wait this long before answering (500ms, 2s)")
        ->type_name("DURATION")
        ->capture_default_str();
    command
        .add_option("--fail-first", options.fail_first,
                    "Answer --fail-status to the first N attempts of each delivery id, then "
                    "succeed (exercises a sender's retries)")
        ->type_name("N")
        ->check(whole_number(0, 1'000'000));
    command
        .add_option("--fail-rate", options.fail_rate,
                    "Answer --fail-status to this fraction of requests at random (0 to 1)")
        ->type_name("R")
        ->check(decimal_number(0, 1));
    command
        .add_option("--public-url", options.public_url,
                    "The URL the provider sends to when a tunnel (cloudflared, ngrok, ssh -R) "
                    "sits in front: URL-signed schemes (Twilio) are verified against it plus "
                    "each delivery's path")
        ->type_name("URL");
    command
        .add_option("--reject-invalid", options.reject_invalid,
                    "Answer STATUS (default 401) to deliveries whose signature does not verify, "
                    "as a correct app does, to test a sender's retries and alerts")
        ->expected(0, 1)
        ->type_name("[STATUS]");
    command.add_option("--fail-status", options.fail_status, "Status of simulated failures")
        ->type_name("STATUS")
        ->check(whole_number(400, 599))
        ->capture_default_str();
}

/// The server's limits and the CI assertions.
void add_limit_and_ci_options(CLI::App& command, ListenOptions& options) {
    command
        .add_option("--max-body", options.max_body,
                    "Largest body accepted; larger ones get 413 before they are read")
        ->type_name("BYTES")
        ->check(whole_number(0, 1LL << 32))
        ->capture_default_str();
    command
        .add_option("--max-connections", options.max_connections,
                    "Open connections allowed at once; more get 503")
        ->type_name("N")
        ->check(whole_number(1, 100'000))
        ->capture_default_str();
    command.add_option("--threads", options.threads, "I/O threads (default: one per core)")
        ->type_name("N")
        ->check(whole_number(1, 256));
    auto* count =
        command
            .add_option("--count", options.count,
                        "Exit after N deliveries (CI: with --timeout and --require-valid)")
            ->type_name("N")
            ->check(whole_number(1, 1LL << 40));
    command
        .add_option("--timeout", options.timeout,
                    "With --count: exit 1 if the deliveries have not all arrived within D")
        ->type_name("DURATION")
        ->needs(count);
    command.add_flag("--require-valid", options.requires_valid,
                     "Exit 1 if any delivery failed verification");
}

/// --ui and its port; --ui-assets for developing the page.
void add_ui_options(CLI::App& command, ListenOptions& options) {
    auto* ui = command.add_flag(
        "--ui", options.has_ui,
        "Also serve the browser inspector on a second loopback port: live list, details with "
        "the verification explained, compare, edit, re-sign and replay (its URL is printed)");
    command.add_option("--ui-port", options.ui.port, "The inspector's port (default: a free one)")
        ->check(whole_number(0, 65535))
        ->needs(ui);
    command
        .add_option("--ui-assets", options.ui.assets_dir,
                    "Serve the inspector's page from DIR instead of the copy built in "
                    "(for developing the page)")
        ->type_name("DIR")
        ->needs(ui);
}

} // namespace

void register_listen(CLI::App& command, Context& context) {
    auto options = std::make_shared<ListenOptions>();
    command
        .add_option("--host", options->host,
                    "Address to listen on (other than loopback: a warning)")
        ->capture_default_str();
    command.add_option("--port", options->port, "Port to listen on; 0 picks a free one")
        ->capture_default_str()
        ->check(whole_number(0, 65535));
    add_provider_options(command, options->provider, "", false);
    command.get_option("--provider")
        ->description("Check signatures as this provider does; 'auto' detects it per request");
    add_secret_options(command, options->secrets,
                       "a secret to verify with (Ed25519 providers: the public key)");
    command
        .add_option("--tolerance", options->tolerance_seconds,
                    "Allowed timestamp age in seconds (default: the provider's; 0: no check)")
        ->type_name("SECONDS")
        ->check(whole_number(0, 100LL * 365 * 24 * 3600));
    command
        .add_option("--log", options->log_path,
                    "Append every delivery to FILE as JSON Lines (byte-exact, mode 0600), "
                    "before answering")
        ->type_name("FILE");
    command
        .add_option("--forward-to", options->forward_to,
                    "Forward each delivery to the app at URL and answer with its response "
                    "(a URL without a path keeps the request's path)")
        ->type_name("URL");
    command
        .add_option("--route", options->routes,
                    "Forward deliveries whose event type matches GLOB to URL instead "
                    "(repeatable, first match wins)")
        ->type_name("GLOB=URL");
    add_response_options(command, *options);
    add_limit_and_ci_options(command, *options);
    command.add_flag("--show-headers", options->shows_headers, "Show every request header");
    add_ui_options(command, *options);
    command.add_flag("-q,--quiet", options->is_quiet, "Print nothing per delivery");
    add_output_options(command, options->output);
    command.get_option("--json")->description("Print one JSON line (\"v\": 1) per delivery");
    command.footer(
        "Exit status: 0 after --count deliveries or on SIGTERM; 1 if --timeout passed first or\n"
        "--require-valid saw an invalid delivery; 2 bad usage; 130 on Ctrl-C.\n"
        "Examples:\n"
        "  hooks listen --provider stripe --secret-env STRIPE_SECRET --log deliveries.jsonl\n"
        "  hooks listen --provider auto --secret s --forward-to http://127.0.0.1:3000\n"
        "  hooks listen --fail-first 2 --delay 200ms        # a flaky endpoint\n"
        "  hooks listen --ui --provider auto --secret s     # and watch in the browser\n"
        "  hooks listen --port 0 --count 1 --timeout 30s --require-valid \\\n"
        "      --provider github --secret-env GH_SECRET     # CI: assert the app signs correctly");
    command.callback([options, &context] {
        context.action = [options, &context] { return run_listen(*options, context); };
    });
}

} // namespace hooks::cli
