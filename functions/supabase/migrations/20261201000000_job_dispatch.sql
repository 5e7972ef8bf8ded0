-- Jobs reach the queue through Postgres. The API records a job and nothing else; the dispatcher
-- (`harita-worker dispatch`, in the cluster beside Redis) claims the rows not yet dispatched,
-- enqueues each into BullMQ under the row's uuid, marks it dispatched, and relays cancels to the
-- workers. A trigger wakes it on every new job and every cancel (LISTEN harita_dispatch); it also
-- polls, so a missed notification only delays a job. docs/job-lifecycle.md follows one job.

alter table public.jobs
  add column dispatched_at timestamptz,
  add column cancel_relayed_at timestamptz;

-- What the dispatcher looks for, each kept small by its condition.
create index jobs_to_dispatch on public.jobs (created_at)
  where status = 'queued' and dispatched_at is null;
create index jobs_cancels_to_relay on public.jobs (updated_at)
  where status = 'canceled' and cancel_relayed_at is null;
create index jobs_dispatched_queued on public.jobs (dispatched_at)
  where status = 'queued' and dispatched_at is not null;

-- The tenant's cap on queued jobs has one source, tenants.max_queued_jobs, checked where the job
-- is recorded. The tenant's row is locked first, so two submissions at once cannot both take the
-- last place. SQLSTATE HQ429 tells the API to answer 429; its detail is the cap.
create or replace function public.enforce_queued_job_cap() returns trigger
language plpgsql security definer set search_path = public, pg_temp
as $$
declare
  cap integer;
  queued integer;
begin
  select max_queued_jobs into cap from public.tenants where id = new.tenant_id for no key update;
  if cap is null then
    return new; -- no such tenant: the foreign key refuses the row
  end if;
  select count(*) into queued from public.jobs where tenant_id = new.tenant_id and status = 'queued';
  if queued >= cap then
    raise exception 'tenant % has % jobs queued, its limit', new.tenant_id, cap
      using errcode = 'HQ429', detail = cap::text;
  end if;
  return new;
end
$$;
revoke all on function public.enforce_queued_job_cap() from public;
create trigger jobs_queued_cap before insert on public.jobs
  for each row execute function public.enforce_queued_job_cap();

-- Wakes the dispatcher when its work grows: a job recorded, or a job canceled.
-- Notifications are sent on commit, and repeats within a transaction are folded into one.
create or replace function public.notify_dispatcher() returns trigger
language plpgsql
as $$
begin
  perform pg_notify('harita_dispatch', '');
  return null;
end
$$;
create trigger jobs_notify_insert after insert on public.jobs
  for each statement execute function public.notify_dispatcher();
create trigger jobs_notify_cancel after update of status on public.jobs
  for each row when (new.status = 'canceled' and old.status is distinct from 'canceled')
  execute function public.notify_dispatcher();

-- The dispatcher's own role: it reads jobs and sets the dispatch fields, nothing more. It is made
-- without a login; the deployment gives it one (docs/deployment.md), or grants it to a login role.
do $$
begin
  if not exists (select from pg_roles where rolname = 'harita_dispatcher') then
    create role harita_dispatcher nologin;
  end if;
end
$$;
-- A claim holds its rows while it enqueues them: one that hangs is ended, and its rows go back.
alter role harita_dispatcher set idle_in_transaction_session_timeout = '60s';
grant usage on schema public to harita_dispatcher;
grant select (id, tenant_id, type, params, priority, status, created_at, updated_at,
  dispatched_at, cancel_relayed_at) on public.jobs to harita_dispatcher;
grant update (dispatched_at, cancel_relayed_at) on public.jobs to harita_dispatcher;
create policy jobs_dispatcher_read on public.jobs for select to harita_dispatcher using (true);
create policy jobs_dispatcher_mark on public.jobs for update to harita_dispatcher
  using (true) with check (true);

-- Users insert the request's own columns only: the tenant and the status come from the
-- defaults, and the dispatch fields are the dispatcher's.
revoke insert on public.jobs from authenticated;
grant insert (type, params, priority) on public.jobs to authenticated;
