import { sql, type Kysely } from 'kysely'

// Migrations take Kysely<any> and never import app code: they must keep
// working unchanged when the app's types move on.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE EXTENSION IF NOT EXISTS unaccent;
    CREATE EXTENSION IF NOT EXISTS pg_trgm;

    CREATE TABLE app_setting (
      key text PRIMARY KEY,
      value text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE workspace (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      default_locale text NOT NULL DEFAULT 'es' CHECK (default_locale IN ('es','pt','en')),
      time_zone text NOT NULL DEFAULT 'America/Lima',
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE country (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
      code char(2) NOT NULL CHECK (code ~ '^[A-Z]{2}$'),
      name_es text NOT NULL,
      name_pt text NOT NULL,
      name_en text NOT NULL,
      locale text NOT NULL CHECK (locale IN ('es','pt','en')),
      time_zone text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (workspace_id, code),
      UNIQUE (workspace_id, id)
    );

    CREATE TABLE organisation (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
      code text NOT NULL CHECK (code ~ '^[A-Z0-9-]{2,20}$'),
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (workspace_id, code),
      UNIQUE (workspace_id, id)
    );

    CREATE TABLE app_user (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL CHECK (email = lower(email) AND position('@' in email) > 1),
      name text NOT NULL DEFAULT '',
      locale text CHECK (locale IN ('es','pt','en')),
      time_zone text,
      password_hash text,
      is_admin boolean NOT NULL DEFAULT false,
      digest_frequency text NOT NULL DEFAULT 'daily' CHECK (digest_frequency IN ('daily','weekly','off')),
      email_bounced_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (email)
    );

    -- Sessions: the id is the SHA-256 of the token in the cookie, so a leaked
    -- table lets no one sign in. created_at bounds the absolute lifetime,
    -- expires_at the idle one.
    CREATE TABLE user_session (
      id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
      user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      ip text,
      user_agent text
    );
    CREATE INDEX user_session_user_idx ON user_session (user_id);

    CREATE TABLE api_token (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    CREATE INDEX api_token_user_idx ON api_token (user_id);

    CREATE TABLE membership (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('secretariat','focal_point','partner','observer')),
      country_id uuid,
      organisation_id uuid,
      deactivated_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (workspace_id, user_id),
      FOREIGN KEY (workspace_id, country_id) REFERENCES country(workspace_id, id),
      FOREIGN KEY (workspace_id, organisation_id) REFERENCES organisation(workspace_id, id),
      CHECK ((role = 'focal_point') = (country_id IS NOT NULL)),
      CHECK ((role = 'partner') = (organisation_id IS NOT NULL))
    );
    CREATE INDEX membership_user_idx ON membership (user_id);
    CREATE INDEX membership_country_idx ON membership (country_id) WHERE country_id IS NOT NULL;

    CREATE TABLE invitation (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
      email text NOT NULL CHECK (email = lower(email)),
      role text NOT NULL CHECK (role IN ('secretariat','focal_point','partner','observer')),
      country_id uuid,
      organisation_id uuid,
      token_hash text NOT NULL UNIQUE,
      invited_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
      expires_at timestamptz NOT NULL,
      accepted_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (workspace_id, country_id) REFERENCES country(workspace_id, id),
      FOREIGN KEY (workspace_id, organisation_id) REFERENCES organisation(workspace_id, id),
      CHECK ((role = 'focal_point') = (country_id IS NOT NULL)),
      CHECK ((role = 'partner') = (organisation_id IS NOT NULL))
    );
    CREATE INDEX invitation_workspace_idx ON invitation (workspace_id, created_at DESC);

    CREATE TABLE password_reset (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE plan (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
      title text NOT NULL,
      version_label text NOT NULL DEFAULT '',
      is_current boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (workspace_id, id)
    );
    CREATE UNIQUE INDEX plan_one_current_idx ON plan (workspace_id) WHERE is_current;

    -- One tree per plan. kind follows depth: general objective > specific
    -- objective > action line > task. code is derived from positions and
    -- rewritten when siblings are reordered.
    CREATE TABLE plan_node (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
      plan_id uuid NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
      parent_id uuid REFERENCES plan_node(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('general_objective','specific_objective','action_line','task')),
      position integer NOT NULL CHECK (position >= 1),
      code text NOT NULL CHECK (code ~ '^[0-9]+(\\.[0-9]+){0,3}$'),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 2000),
      archived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((kind = 'general_objective') = (parent_id IS NULL))
    );
    CREATE INDEX plan_node_children_idx ON plan_node (plan_id, parent_id, position);
    CREATE INDEX plan_node_code_idx ON plan_node (plan_id, code);

    CREATE TABLE task (
      id uuid PRIMARY KEY REFERENCES plan_node(id) ON DELETE CASCADE,
      workspace_id uuid NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
      lead_kind text NOT NULL DEFAULT 'all_countries' CHECK (lead_kind IN ('all_countries','secretariat','country','organisation')),
      lead_country_id uuid,
      lead_organisation_id uuid,
      start_date date,
      due_date date,
      priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low','normal','high')),
      recurrence_months integer CHECK (recurrence_months IN (1,2,3,4,6,12)),
      FOREIGN KEY (workspace_id, lead_country_id) REFERENCES country(workspace_id, id),
      FOREIGN KEY (workspace_id, lead_organisation_id) REFERENCES organisation(workspace_id, id),
      CHECK ((lead_kind = 'country') = (lead_country_id IS NOT NULL)),
      CHECK ((lead_kind = 'organisation') = (lead_organisation_id IS NOT NULL)),
      CHECK (start_date IS NULL OR due_date IS NULL OR start_date <= due_date)
    );

    CREATE TABLE task_partner (
      task_id uuid NOT NULL REFERENCES task(id) ON DELETE CASCADE,
      organisation_id uuid NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
      PRIMARY KEY (task_id, organisation_id)
    );

    -- Where follow-up happens: a task for one assignee (a country, the
    -- secretariat, or an organisation) and, for recurring tasks, one period.
    CREATE TABLE assignment (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
      task_id uuid NOT NULL REFERENCES task(id) ON DELETE CASCADE,
      assignee_kind text NOT NULL CHECK (assignee_kind IN ('country','secretariat','organisation')),
      country_id uuid,
      organisation_id uuid,
      period text NOT NULL DEFAULT '' CHECK (period ~ '^([0-9]{4}-[0-9]{2})?$'),
      due_date date NOT NULL,
      status text NOT NULL DEFAULT 'not_started'
        CHECK (status IN ('not_started','in_progress','blocked','submitted','completed','not_applicable')),
      progress_note text NOT NULL DEFAULT '' CHECK (length(progress_note) <= 20000),
      version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
      FOREIGN KEY (workspace_id, country_id) REFERENCES country(workspace_id, id),
      FOREIGN KEY (workspace_id, organisation_id) REFERENCES organisation(workspace_id, id),
      CHECK ((assignee_kind = 'country') = (country_id IS NOT NULL)),
      CHECK ((assignee_kind = 'organisation') = (organisation_id IS NOT NULL))
    );
    CREATE UNIQUE INDEX assignment_one_per_assignee_period_idx
      ON assignment (task_id, assignee_kind, COALESCE(country_id, organisation_id, '00000000-0000-0000-0000-000000000000'::uuid), period);
    CREATE INDEX assignment_board_idx ON assignment (workspace_id, due_date, id);
    CREATE INDEX assignment_country_idx ON assignment (workspace_id, country_id, due_date, id);
    CREATE INDEX assignment_status_idx ON assignment (workspace_id, status, due_date);
    CREATE INDEX assignment_task_idx ON assignment (task_id);

    CREATE TABLE assignment_history (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      assignment_id uuid NOT NULL REFERENCES assignment(id) ON DELETE CASCADE,
      actor_id uuid REFERENCES app_user(id) ON DELETE SET NULL,
      action text NOT NULL,
      from_status text,
      to_status text,
      note text NOT NULL DEFAULT '',
      version integer NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX assignment_history_idx ON assignment_history (assignment_id, at);

    CREATE TABLE evidence (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      assignment_id uuid NOT NULL REFERENCES assignment(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('link','file')),
      url text CHECK (url IS NULL OR url ~ '^https?://'),
      file_name text,
      content_type text,
      size_bytes integer CHECK (size_bytes IS NULL OR size_bytes BETWEEN 0 AND 20971520),
      created_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((kind = 'link') = (url IS NOT NULL))
    );
    CREATE INDEX evidence_assignment_idx ON evidence (assignment_id, created_at);

    -- File bytes live apart from their metadata so that listing evidence
    -- never reads the blobs.
    CREATE TABLE evidence_file (
      evidence_id uuid PRIMARY KEY REFERENCES evidence(id) ON DELETE CASCADE,
      data bytea NOT NULL
    );

    CREATE TABLE comment (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      assignment_id uuid NOT NULL REFERENCES assignment(id) ON DELETE CASCADE,
      author_id uuid REFERENCES app_user(id) ON DELETE SET NULL,
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX comment_assignment_idx ON comment (assignment_id, created_at);

    -- Append-only audit log of every change.
    CREATE TABLE activity (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid REFERENCES workspace(id) ON DELETE CASCADE,
      actor_id uuid REFERENCES app_user(id) ON DELETE SET NULL,
      action text NOT NULL,
      subject_type text NOT NULL,
      subject_id uuid,
      before jsonb,
      after jsonb,
      ip text,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX activity_workspace_idx ON activity (workspace_id, at DESC, id);
    CREATE INDEX activity_subject_idx ON activity (subject_id, at DESC);

    -- Transactional outbox: a change and the notifications it causes are
    -- written in one transaction; a relay moves them into BullMQ.
    CREATE TABLE outbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      topic text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      dispatched_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      last_error text
    );
    CREATE INDEX outbox_pending_idx ON outbox (created_at) WHERE dispatched_at IS NULL;

    -- Every e-mail sent or attempted. key = recipient, kind, subject, occasion:
    -- the UNIQUE constraint is what makes sending at most once.
    CREATE TABLE email_log (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      key text NOT NULL UNIQUE,
      workspace_id uuid REFERENCES workspace(id) ON DELETE SET NULL,
      user_id uuid REFERENCES app_user(id) ON DELETE SET NULL,
      recipient text NOT NULL,
      kind text NOT NULL,
      subject text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed','bounced','complained')),
      provider_id text,
      error text,
      attempts integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz
    );
    CREATE INDEX email_log_status_idx ON email_log (status, created_at);

    -- Where e-mail goes without RESEND_API_KEY (development, tests, demo).
    CREATE TABLE local_mail (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email_key text,
      to_address text NOT NULL,
      from_address text NOT NULL,
      subject text NOT NULL,
      html text NOT NULL,
      text text NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX local_mail_to_idx ON local_mail (to_address, created_at DESC);
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS local_mail, email_log, outbox, activity, comment, evidence_file, evidence,
      assignment_history, assignment, task_partner, task, plan_node, plan, password_reset,
      invitation, membership, api_token, user_session, app_user, organisation, country, workspace, app_setting CASCADE;
  `.execute(db)
}
