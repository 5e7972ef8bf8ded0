-- Uploads that are single-use and bounded, and submissions that are rate limited and idempotent.
--
-- A dataset's upload goes to a staging key of its own (uploads/{tenant}/{dataset}/{upload_nonce});
-- /complete copies what it validated to the key the worker reads, so a later PUT to the URL reaches
-- nothing the platform reads. The sweep (the API's, on a schedule and after submissions) rejects
-- the uploads not completed by `complete_by` and removes staging objects once their URL has
-- expired. Each tenant has caps on its pending uploads and on its submissions a minute; users may
-- read them but never write them.

alter table public.tenants
  add column max_pending_datasets integer not null default 20 check (max_pending_datasets > 0),
  add column max_pending_bytes bigint not null default 107374182400 check (max_pending_bytes > 0),
  add column job_submissions_per_minute integer not null default 1200
    check (job_submissions_per_minute > 0),
  add column dataset_submissions_per_minute integer not null default 120
    check (dataset_submissions_per_minute > 0);

alter table public.datasets
  -- Names the staging object; null once its URL has expired and the object is gone.
  add column upload_nonce uuid,
  add column upload_expires_at timestamptz,
  -- After this the upload is abandoned: /complete refuses it and the sweep rejects it.
  add column complete_by timestamptz,
  -- A /complete at work holds the dataset until then, so two never copy and validate at once.
  add column completing_until timestamptz;

-- Datasets made before single-use uploads: their URLs wrote the final key, which /complete no
-- longer validates in place, so the pending ones are abandoned (the sweep rejects them and removes
-- the unvalidated file) and the others have no staging object.
update public.datasets set
  upload_nonce = case when status = 'pending' then gen_random_uuid() end,
  upload_expires_at = case when status = 'pending' then now() else created_at end,
  complete_by = case when status = 'pending' then now() else created_at end;
alter table public.datasets
  alter column upload_expires_at set not null,
  alter column complete_by set not null;

create index datasets_pending_by_tenant on public.datasets (tenant_id, complete_by)
  where status = 'pending';
create index datasets_pending_by_deadline on public.datasets (complete_by)
  where status = 'pending';
create index datasets_staging_to_sweep on public.datasets (upload_expires_at)
  where upload_nonce is not null;

-- A new dataset's upload, and the tenant's caps on pending uploads, checked where the row is
-- recorded: the tenant's row is locked first, so two creations at once cannot both take the last
-- place. The API sets harita.upload_url_seconds (its UPLOAD_URL_SECONDS) in the transaction,
-- at most 79200 (contracts' MAX_UPLOAD_URL_SECONDS: the bucket expires uploads/ after a day).
-- An upload may be completed until an hour after its URL expires (a long PUT started in time:
-- contracts' UPLOAD_COMPLETION_GRACE_SECONDS).
-- Pending uploads past that count for nothing. SQLSTATE HQ413: the upload alone is over the
-- tenant's pending bytes (detail: the cap); HQ429: a cap is reached (detail: JSON with the
-- seconds until the next pending upload is abandoned).
create or replace function public.admit_dataset() returns trigger
language plpgsql security definer set search_path = public, pg_temp
as $$
declare
  tenant public.tenants%rowtype;
  url_seconds integer := least(greatest(coalesce(
    nullif(current_setting('harita.upload_url_seconds', true), '')::integer, 900), 1), 79200);
  pending integer;
  pending_bytes numeric;
  next_free timestamptz;
begin
  new.upload_nonce := gen_random_uuid();
  new.upload_expires_at := now() + make_interval(secs => url_seconds);
  new.complete_by := new.upload_expires_at + interval '1 hour';
  new.completing_until := null;
  select * into tenant from public.tenants where id = new.tenant_id for no key update;
  if not found then
    return new; -- no such tenant: the foreign key refuses the row
  end if;
  if new.declared_bytes > tenant.max_pending_bytes then
    raise exception 'the upload is over the tenant''s pending bytes'
      using errcode = 'HQ413', detail = tenant.max_pending_bytes::text;
  end if;
  select count(*), coalesce(sum(declared_bytes), 0), min(complete_by)
    into pending, pending_bytes, next_free
    from public.datasets
    where tenant_id = new.tenant_id and status = 'pending' and complete_by > now();
  if pending >= tenant.max_pending_datasets
     or pending_bytes + new.declared_bytes > tenant.max_pending_bytes then
    raise exception 'tenant % has reached its cap on pending uploads', new.tenant_id
      using errcode = 'HQ429', detail = json_build_object(
        'pending', pending,
        'pending_bytes', pending_bytes,
        'max_pending_datasets', tenant.max_pending_datasets,
        'max_pending_bytes', tenant.max_pending_bytes,
        'retry_after', greatest(1, ceil(extract(epoch from next_free - now()))))::text;
  end if;
  return new;
end
$$;
revoke all on function public.admit_dataset() from public;
create trigger datasets_admit before insert on public.datasets
  for each row execute function public.admit_dataset();

-- Users insert the request's own columns only: the tenant, the status and the upload's fields
-- come from the defaults and the trigger.
revoke insert on public.datasets from authenticated;
grant insert (name, file, content_type, declared_bytes) on public.datasets to authenticated;

-- Idempotency-Key: the first answer to a tenant's submission under a key on an endpoint, kept a
-- day; one key on POST /jobs and on POST /datasets is two submissions. A row with no status is a
-- request still at work (until locked_until). Only the API (service role) writes.
create table public.idempotency_keys (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  endpoint text not null check (endpoint in ('jobs', 'datasets')),
  key text not null check (length(key) between 1 and 255),
  fingerprint text not null,
  status smallint,
  headers jsonb,
  body text,
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '24 hours',
  primary key (tenant_id, endpoint, key)
);
create index idempotency_keys_expiry on public.idempotency_keys (expires_at);

-- A token bucket per tenant and endpoint: `tokens` as of `refilled_at`, refilled at the tenant's
-- rate a minute, holding at most a minute's worth.
create table public.submission_buckets (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  endpoint text not null check (endpoint in ('jobs', 'datasets')),
  tokens double precision not null,
  refilled_at timestamptz not null,
  primary key (tenant_id, endpoint)
);

alter table public.idempotency_keys enable row level security;
alter table public.submission_buckets enable row level security;
revoke all on public.idempotency_keys, public.submission_buckets from anon, authenticated;
grant all on public.idempotency_keys, public.submission_buckets to service_role;

-- The start of a submission, in one statement: the answer kept for its Idempotency-Key (when
-- one is given), else a claim on the key for this request and a place in the tenant's rate limit.
-- outcome: 'proceed', 'replay' (status, headers, body), 'in_progress' (retry_after),
-- 'key_reused', 'rate_limited' (retry_after, per_minute), 'unregistered' (the endpoint refuses).
-- A claim's insert waits for a concurrent one with the same key to commit, so two requests never
-- both proceed under one key.
create or replace function public.begin_submission(
  p_tenant uuid, p_endpoint text, p_key text, p_fingerprint text, p_lock_seconds integer
) returns table (
  outcome text, retry_after integer, per_minute integer, status smallint, headers jsonb, body text
)
language plpgsql
as $$
declare
  kept public.idempotency_keys%rowtype;
  rate integer;
  available double precision;
begin
  select case p_endpoint when 'jobs' then t.job_submissions_per_minute
    else t.dataset_submissions_per_minute end
    into rate from public.tenants t where t.id = p_tenant;
  if rate is null then
    return query select 'unregistered', null::integer, null::integer, null::smallint, null::jsonb, null::text;
    return;
  end if;
  if p_key is not null then
    -- A new key, an expired one, or one whose holder never finished this same request.
    insert into public.idempotency_keys as k (tenant_id, endpoint, key, fingerprint, locked_until)
      values (p_tenant, p_endpoint, p_key, p_fingerprint,
        now() + make_interval(secs => p_lock_seconds))
      on conflict (tenant_id, endpoint, key) do update set
        fingerprint = excluded.fingerprint, status = null, headers = null, body = null,
        locked_until = excluded.locked_until, created_at = now(),
        expires_at = now() + interval '24 hours'
      where k.expires_at <= now()
        or (k.status is null and k.locked_until <= now() and k.fingerprint = excluded.fingerprint)
      returning * into kept;
    if kept.key is null then
      select * into kept from public.idempotency_keys k
        where k.tenant_id = p_tenant and k.endpoint = p_endpoint and k.key = p_key;
      if kept.fingerprint <> p_fingerprint then
        return query select 'key_reused', null::integer, null::integer, null::smallint, null::jsonb, null::text;
      elsif kept.status is not null then
        return query select 'replay', null::integer, null::integer, kept.status, kept.headers, kept.body;
      else
        return query select 'in_progress',
          greatest(1, ceil(extract(epoch from kept.locked_until - now())))::integer,
          null::integer, null::smallint, null::jsonb, null::text;
      end if;
      return;
    end if;
  end if;
  -- The refill is dated by the clock when the row is locked, not by the transaction's start
  -- (now()): a request that waited on the lock would date the bucket back and count the wait again.
  insert into public.submission_buckets as b (tenant_id, endpoint, tokens, refilled_at)
    values (p_tenant, p_endpoint, rate, clock_timestamp())
    on conflict (tenant_id, endpoint) do update set
      tokens = least(rate, b.tokens + extract(epoch from
        greatest(b.refilled_at, clock_timestamp()) - b.refilled_at) * rate / 60.0),
      refilled_at = greatest(b.refilled_at, clock_timestamp())
    returning b.tokens into available;
  if available < 1 then
    if p_key is not null then
      delete from public.idempotency_keys k
        where k.tenant_id = p_tenant and k.endpoint = p_endpoint and k.key = p_key;
    end if;
    return query select 'rate_limited',
      greatest(1, ceil((1 - available) * 60.0 / rate))::integer, rate,
      null::smallint, null::jsonb, null::text;
    return;
  end if;
  update public.submission_buckets b set tokens = available - 1
    where b.tenant_id = p_tenant and b.endpoint = p_endpoint;
  return query select 'proceed', null::integer, rate, null::smallint, null::jsonb, null::text;
end
$$;
revoke all on function public.begin_submission(uuid, text, text, text, integer) from public;
grant execute on function public.begin_submission(uuid, text, text, text, integer) to service_role;
