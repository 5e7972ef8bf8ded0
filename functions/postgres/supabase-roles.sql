-- For plain Postgres (the local stack, the tests): what a Supabase project already has and the
-- migrations rely on. The API roles (anon, authenticated, service_role, which bypasses RLS),
-- and auth.jwt() / auth.uid() / auth.role() reading the request's claims as Supabase's do.
-- Idempotent; never run it against a Supabase project.
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
end
$$;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

-- As hosted Supabase defines it: an empty request.jwt.claim.sub counts as unset, but an empty
-- `sub` in request.jwt.claims is cast as it is, so '' fails the cast (22P02) there too.
create or replace function auth.uid() returns uuid
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable
as $$
  select auth.jwt() ->> 'role'
$$;
