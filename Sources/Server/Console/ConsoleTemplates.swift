import Mustache

/// The console's pages as Mustache templates, compiled once. `{{x}}` escapes HTML; only `content`,
/// which the layout receives already rendered from escaped values, is inserted raw (`{{{content}}}`).
enum ConsoleTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [
            ("layout", layout), ("sign-in", signIn), ("overview", overview), ("target", target),
            ("message", message), ("search", search), ("resource", resource), ("plan", plan), ("audit", audit),
        ] {
            // The templates are constants of this file: one that does not parse is a bug, found by any test.
            library.register(try! MustacheTemplate(string: text), named: name)
        }
        return library
    }()

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · scim-bridge</title>
        <link rel="stylesheet" href="/admin/console.css">
        <link rel="icon" href="/admin/favicon.svg" type="image/svg+xml">
        </head>
        <body>
        <header>
        <a class="brand" href="/admin/">scim-bridge</a>
        {{#csrf}}
        <nav aria-label="Console"><a href="/admin/">Overview</a><a href="/admin/audit">Audit log</a></nav>
        <form role="search" aria-label="Find a user or group" class="find" method="get" action="/admin/search"><label for="q" class="visually-hidden">Find a user or group</label><input id="q" name="q" type="search" placeholder="userName, group name or id" value="{{query}}"><button type="submit">Find</button></form>
        <form method="post" action="/admin/sign-out" class="sign-out"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Sign out</button></form>
        {{/csrf}}
        </header>
        <main id="main">
        <h1>{{title}}</h1>
        {{{content}}}
        </main>
        </body>
        </html>
        """

    static let signIn = """
        <form method="post" action="/admin/sign-in" class="card">
        {{#error}}<p role="alert" class="error">{{error}}</p>{{/error}}
        {{#notice}}<p role="status">{{notice}}</p>{{/notice}}
        <input type="text" name="username" value="admin" autocomplete="username" hidden>
        <label for="token">Admin token (<code>server.adminToken</code>)</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
        <button type="submit">Sign in</button>
        </form>
        """

    static let overview = """
        <section aria-labelledby="targets-heading">
        <h2 id="targets-heading">Targets</h2>
        <table>
        <thead><tr><th scope="col">Target</th><th scope="col">State</th><th scope="col">Pending</th><th scope="col">Oldest pending</th><th scope="col">Failed</th><th scope="col">Blocked groups</th><th scope="col">Last success</th><th scope="col">Last error</th><th scope="col">Calls a minute (last 15 min) against the limit</th></tr></thead>
        <tbody>
        {{#targets}}
        <tr><th scope="row"><a href="/admin/target/{{name}}">{{name}}</a></th><td><span class="state {{state}}">{{state}}</span></td><td>{{pending}}</td><td>{{oldest}}</td><td>{{dead}}</td><td>{{blocked}}</td><td>{{lastSuccess}}</td><td>{{lastError}}</td><td>{{{chart}}}</td></tr>
        {{/targets}}
        </tbody>
        </table>
        </section>
        <section aria-labelledby="channels-heading">
        <h2 id="channels-heading">Channels</h2>
        <table>
        <thead><tr><th scope="col">Channel</th><th scope="col">Last request from the identity provider</th><th scope="col">Users</th><th scope="col">Groups</th></tr></thead>
        <tbody>
        {{#channels}}
        <tr><th scope="row">{{name}}</th><td>{{lastRequest}}</td><td>{{users}}</td><td>{{groups}}{{#tooMany}} <strong class="warning">above PingOne's recommended 1,000 groups per rule</strong>{{/tooMany}}</td></tr>
        {{/channels}}
        </tbody>
        </table>
        </section>
        """

    static let target = """
        <p>State: <span class="state {{state}}">{{state}}</span>{{#pausedReason}} (paused: {{pausedReason}}){{/pausedReason}}{{#throttledFor}} (the target asked to wait {{throttledFor}} s more){{/throttledFor}}. Pending {{pending}} (oldest {{oldest}}), failed {{dead}}. Last success: {{lastSuccess}}.</p>
        {{#lastError}}<p>Last error: <code>{{lastError}}</code></p>{{/lastError}}
        {{#chart}}<figure>{{{chart}}}<figcaption>Calls a minute over the last 15 minutes; the limit is {{limit}} a minute (the dashed line, when the calls come near it).</figcaption></figure>{{/chart}}
        <div class="actions">
        {{#hasDead}}<form method="post" action="/admin/target/{{name}}/retry"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Retry failed changes</button></form>{{/hasDead}}
        {{#pausedReason}}<form method="post" action="/admin/target/{{name}}/resume"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Resume</button></form>{{/pausedReason}}
        {{#canReconcile}}<a class="button" href="/admin/target/{{name}}/plan">Show the plan of a reconciliation</a>{{/canReconcile}}
        <a class="button" href="/admin/audit?target={{name}}">Audit log of {{name}}</a>
        </div>
        <section aria-labelledby="blocked-heading">
        <h2 id="blocked-heading">Blocked groups</h2>
        {{^blocked}}<p>No group is blocked on this target.</p>{{/blocked}}
        {{#blocked}}
        <article class="card">
        <h3>{{displayName}} <small>({{channel}}, {{id}})</small></h3>
        <p>{{reason}} Below, this group alone can be settled; the target's <code>onNameCollision</code> stays the rule for every other group.</p>
        {{#readError}}<p class="error">The target's group could not be read: {{readError}}</p>{{/readError}}
        {{#onTarget}}
        <details open><summary>On the target: {{displayName}} (<code>{{id}}</code>), {{count}} member(s)</summary>
        <ul>{{#members}}<li>{{#href}}<a href="{{href}}">{{name}}</a> (<code>{{id}}</code>){{/href}}{{#foreign}}<code>{{id}}</code>: not provisioned by the bridge{{/foreign}}</li>{{/members}}</ul>
        {{#more}}<p>Only the first 100 members are shown.</p>{{/more}}
        </details>
        {{/onTarget}}
        <form method="post" action="/admin/target/{{target}}/resolve">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="group" value="{{id}}">
        <fieldset>
        <legend>Settle this group alone</legend>
        <label><input type="radio" name="policy" value="merge" required> <strong>Merge</strong>. {{merge}}</label>
        <label><input type="radio" name="policy" value="overwrite"> <strong>Overwrite</strong>. {{overwrite}}</label>
        </fieldset>
        <label><input type="checkbox" name="acknowledge" value="yes" required> I understand and want to continue</label>
        <button type="submit">Apply to {{displayName}}</button>
        </form>
        </article>
        {{/blocked}}
        </section>
        <section aria-labelledby="failed-heading">
        <h2 id="failed-heading">Failed changes</h2>
        {{^failed}}<p>None.</p>{{/failed}}
        {{#failed}}<p><code>{{resource}}</code> after {{attempts}} attempt(s): {{error}}</p>{{/failed}}
        </section>
        <section aria-labelledby="resources-heading">
        <h2 id="resources-heading">Resources by state</h2>
        <nav aria-label="States" class="tabs">{{#tabs}}<a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{state}}</a> {{/tabs}}</nav>
        <form method="get" action="/admin/target/{{name}}" role="search" aria-label="Find among the target's resources" class="inline"><input type="hidden" name="state" value="{{stateShown}}"><label for="rq">Find among {{stateShown}}</label> <input id="rq" name="q" type="search" value="{{search}}" placeholder="userName, group name, id or target id"> <button type="submit">Find</button></form>
        {{^hasRows}}<p>No resource is {{stateShown}}{{#search}} among those matching <q>{{search}}</q>{{/search}}.</p>{{/hasRows}}
        {{#hasRows}}<p>{{total}} {{stateShown}}; showing {{from}} to {{to}}.</p>
        <table>
        <thead><tr><th scope="col">Resource</th><th scope="col">Channel</th><th scope="col">Target id</th><th scope="col">Attempts</th><th scope="col">Error or reason</th></tr></thead>
        <tbody>{{#rows}}<tr><th scope="row"><a href="/admin/{{kind}}/{{channel}}/{{id}}">{{name}}</a> <small>{{kind}}</small></th><td>{{channel}}</td><td><code>{{targetID}}</code></td><td>{{attempts}}</td><td>{{note}}</td></tr>{{/rows}}</tbody>
        </table>{{/hasRows}}
        <p>{{#previous}}<a href="{{previous}}" rel="prev">Previous page</a> {{/previous}}{{#next}}<a href="{{next}}" rel="next">Next page</a>{{/next}}</p>
        </section>
        """

    static let plan = """
        {{#error}}<p role="alert" class="error">The target could not be read: {{error}}</p>{{/error}}
        {{^error}}
        <p>{{count}} call(s) would bring {{target}} in line with the bridge. Nothing has been changed.</p>
        {{#hasBlocked}}<h2>Left alone (blocked)</h2><ul>{{#blocked}}<li>{{line}}</li>{{/blocked}}</ul>{{/hasBlocked}}
        {{#hasCalls}}<h2>Calls</h2><ol class="plan">{{#calls}}<li><code>{{line}}</code></li>{{/calls}}</ol>{{/hasCalls}}
        {{#more}}<p>Only the first 1,000 calls are shown.</p>{{/more}}
        <form method="post" action="/admin/target/{{target}}/reconcile"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Run a reconciliation now</button></form>
        {{/error}}
        <p><a href="/admin/target/{{target}}">Back to {{target}}</a></p>
        """

    static let audit = """
        <form method="get" action="/admin/audit" class="filters">
        <label for="f-target">Target</label><select id="f-target" name="target"><option value="">every target</option>{{#targets}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/targets}}</select>
        <label for="f-resource">Resource</label><input id="f-resource" name="resource" value="{{resource}}" placeholder="user:ID or group:ID">
        <label for="f-since">From</label><input id="f-since" name="since" value="{{since}}" placeholder="2026-12-07">
        <label for="f-until">Until</label><input id="f-until" name="until" value="{{until}}" placeholder="2026-12-07">
        <button type="submit">Filter</button>
        </form>
        {{#problems}}<p role="alert" class="error">{{text}}</p>{{/problems}}
        {{^hasEntries}}<p>No entry matches.</p>{{/hasEntries}}
        {{#hasEntries}}<table>
        <thead><tr><th scope="col">Time</th><th scope="col">Target</th><th scope="col">Action</th><th scope="col">Resource</th><th scope="col">Detail</th></tr></thead>
        <tbody>{{#entries}}<tr><td>{{time}}</td><td>{{target}}</td><td>{{action}}</td><td>{{#href}}<a href="{{href}}">{{resource}}</a>{{/href}}</td><td><code>{{detail}}</code></td></tr>{{/entries}}</tbody>
        </table>{{/hasEntries}}
        {{#older}}<p><a href="{{older}}" rel="next">Older entries</a></p>{{/older}}
        """

    static let search = """
        {{^results}}<p>Nothing matches <q>{{query}}</q>: search takes a user's exact userName, a group's exact name, or an id.</p>{{/results}}
        <ul>{{#results}}<li><a href="/admin/{{kind}}/{{channel}}/{{id}}">{{name}}</a> ({{kind}} in channel {{channel}}, {{id}})</li>{{/results}}</ul>
        """

    static let resource = """
        <p>{{kind}} <code>{{id}}</code> in channel {{channel}}.</p>
        <section aria-labelledby="targets-heading">
        <h2 id="targets-heading">On each target</h2>
        <table>
        <thead><tr><th scope="col">Target</th><th scope="col">State</th><th scope="col">Target id</th><th scope="col">Last change</th><th scope="col">Last error</th><th scope="col">Detail</th></tr></thead>
        <tbody>{{#targets}}<tr><th scope="row"><a href="/admin/target/{{target}}">{{target}}</a></th><td>{{state}}</td><td><code>{{targetID}}</code></td><td>{{lastChange}}</td><td>{{lastError}}</td><td>{{detail}}</td></tr>{{/targets}}</tbody>
        </table>
        </section>
        <section aria-labelledby="memberships-heading">
        <h2 id="memberships-heading">{{membershipTitle}}</h2>
        {{^memberships}}<p>None.</p>{{/memberships}}
        <ul>{{#memberships}}<li><a href="/admin/{{kind}}/{{channel}}/{{id}}">{{name}}</a></li>{{/memberships}}</ul>
        </section>
        <section aria-labelledby="audit-heading">
        <h2 id="audit-heading">Trail</h2>
        <p>Each change the identity provider made, as queued for each target, and each call the bridge made for it there, newest first. <a href="{{auditHref}}">In the audit log</a></p>
        {{^hasTrail}}<p>No entry.</p>{{/hasTrail}}
        {{#hasTrail}}<table>
        <thead><tr><th scope="col">Time</th><th scope="col">Target</th><th scope="col">What</th><th scope="col">Action</th><th scope="col">Detail</th></tr></thead>
        <tbody>{{#trail}}<tr><td>{{time}}</td><td>{{target}}</td><td>{{direction}}</td><td>{{action}}</td><td>{{#detail}}<code>{{detail}}</code>{{/detail}}</td></tr>{{/trail}}</tbody>
        </table>{{/hasTrail}}
        </section>
        """

    static let message = """
        <p {{#alert}}role="alert" class="error"{{/alert}}>{{text}}</p>
        <p><a href="{{back}}">Back</a></p>
        """

    /// A plain mark in the header's colour, so that browsers find an icon instead of a 404.
    static let favicon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f3a5f"/><path d="M4 5h8M4 8h8M4 11h5" stroke="#fff" stroke-width="1.6"/></svg>
        """

    static let css = """
        :root { font-family: system-ui, sans-serif; color: #1b1f24; background: #fafbfc; }
        body { margin: 0; }
        header { display: flex; gap: 1rem; align-items: center; padding: .75rem 1rem; background: #1f3a5f; color: #fff; flex-wrap: wrap; }
        header a { color: #fff; }
        header nav { display: flex; gap: 1rem; }
        header .find { flex: 1 1 20rem; max-width: 32rem; }
        header .find input { flex: 1; min-width: 12rem; padding: .3rem; }
        header .sign-out { margin-left: auto; }
        .brand { font-weight: 700; text-decoration: none; }
        main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
        table { border-collapse: collapse; width: 100%; display: block; overflow-x: auto; }
        th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
        .card { background: #fff; border: 1px solid #d0d7de; border-radius: .4rem; padding: 1rem; margin: 1rem 0; max-width: 48rem; }
        label { display: block; margin: .5rem 0; }
        input[type=password] { width: 100%; max-width: 30rem; padding: .4rem; }
        button { padding: .4rem .9rem; font: inherit; }
        .state { padding: .1rem .4rem; border-radius: .3rem; background: #d0d7de; }
        .state.healthy { background: #c7f0d2; } .state.failing, .state.unauthenticated { background: #ffd8d3; }
        .state.paused, .state.throttled { background: #fff1c2; }
        .error { color: #a40e26; } .warning { color: #7a4d00; }
        header form[role=search] { display: flex; gap: .3rem; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        :focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
        .actions { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; margin: 1rem 0; }
        .button { display: inline-block; padding: .4rem .9rem; border: 1px solid #8c959f; border-radius: .3rem; background: #f6f8fa; color: inherit; text-decoration: none; }
        .tabs a { margin-right: .6rem; } .tabs a[aria-current=page] { font-weight: 700; }
        .filters, .inline { display: flex; gap: .4rem; flex-wrap: wrap; align-items: center; margin: .5rem 0; }
        .filters label, .inline label { display: inline; margin: 0; }
        figure { margin: 1rem 0; } figcaption { font-size: .85rem; color: #57606a; }
        .chart { display: block; }
        """
}
