-- Harita Hive's schema: tenants, their datasets and jobs, and the jobs' events. Row-level
-- security on every table: an authenticated user sees and changes only their tenant's rows
-- (the tenant comes from the JWT's app_metadata.tenant_id, which only the platform sets); the
-- service role bypasses it. Users may create datasets and jobs and cancel jobs; every other
-- change (a dataset validated, a job's progress and results) is the service role's.

create extension if not exists pgcrypto;

create table public.tenants (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  max_queued_jobs integer not null default 100 check (max_queued_jobs > 0),
  created_at timestamptz not null default now()
);

-- The caller's tenant; null (so no row matches) when the claims name none or not a uuid.
create or replace function public.current_tenant_id() returns uuid
language sql stable
as $$
  select case
    when auth.jwt() -> 'app_metadata' ->> 'tenant_id' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    then (auth.jwt() -> 'app_metadata' ->> 'tenant_id')::uuid
  end
$$;

create table public.datasets (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default public.current_tenant_id() references public.tenants (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  file text not null check (file ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$'),
  content_type text not null,
  declared_bytes bigint not null check (declared_bytes > 0),
  status text not null default 'pending' check (status in ('pending', 'ready', 'rejected')),
  bytes bigint,
  width integer,
  height integer,
  band_count integer,
  data_type text,
  epsg integer,
  error text,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index datasets_by_tenant on public.datasets (tenant_id, created_at desc, id desc);

create table public.jobs (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default public.current_tenant_id() references public.tenants (id) on delete cascade,
  type text not null check (type in ('ndvi', 'band_math', 'buffer', 'zonal_stats', 'inference')),
  params jsonb not null,
  priority text not null default 'normal' check (priority in ('high', 'normal', 'low')),
  status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  progress smallint not null default 0 check (progress between 0 and 100),
  error jsonb,
  results jsonb not null default '[]'::jsonb,
  attempts integer not null default 0,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create index jobs_by_tenant on public.jobs (tenant_id, created_at desc, id desc);
create index jobs_by_tenant_status on public.jobs (tenant_id, status);

create table public.job_events (
  job_id uuid not null references public.jobs (id) on delete cascade,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  attempt integer not null check (attempt >= 1),
  sequence integer not null check (sequence >= 0),
  status text not null,
  progress smallint not null,
  error jsonb,
  results jsonb,
  at timestamptz not null,
  received_at timestamptz not null default now(),
  primary key (job_id, attempt, sequence)
);

alter table public.tenants enable row level security;
alter table public.datasets enable row level security;
alter table public.jobs enable row level security;
alter table public.job_events enable row level security;

create policy tenants_own on public.tenants for select to authenticated
  using (id = public.current_tenant_id());

create policy datasets_read on public.datasets for select to authenticated
  using (tenant_id = public.current_tenant_id());
create policy datasets_create on public.datasets for insert to authenticated
  with check (tenant_id = public.current_tenant_id() and status = 'pending');

create policy jobs_read on public.jobs for select to authenticated
  using (tenant_id = public.current_tenant_id());
create policy jobs_create on public.jobs for insert to authenticated
  with check (tenant_id = public.current_tenant_id() and status = 'queued' and progress = 0
    and results = '[]'::jsonb and error is null);
-- A user's only change to a job: cancel it while it has not ended.
create policy jobs_cancel on public.jobs for update to authenticated
  using (tenant_id = public.current_tenant_id() and status in ('queued', 'running'))
  with check (tenant_id = public.current_tenant_id() and status = 'canceled');

create policy job_events_read on public.job_events for select to authenticated
  using (tenant_id = public.current_tenant_id());

-- Supabase grants every table to anon and authenticated by default; take that back and grant
-- only what the policies above are written for.
revoke all on public.tenants, public.datasets, public.jobs, public.job_events from anon, authenticated;
grant usage on schema public to anon, authenticated, service_role;
grant select on public.tenants, public.job_events to authenticated;
grant select, insert on public.datasets to authenticated;
grant select, insert on public.jobs to authenticated;
grant update (status, updated_at, finished_at) on public.jobs to authenticated;
grant all on public.tenants, public.datasets, public.jobs, public.job_events to service_role;
