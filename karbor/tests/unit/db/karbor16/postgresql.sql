--
-- PostgreSQL database dump
--

\restrict jqrKuRzBZXTL2RtEBdQuhsyGoAOHG7YjLDPPgH8gB2iRKfNcgsaOYH8GdOMea2G

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: checkpoint_records; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.checkpoint_records (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean NOT NULL,
    id character varying(36) NOT NULL,
    project_id character varying(36) NOT NULL,
    checkpoint_id character varying(36) NOT NULL,
    checkpoint_status character varying(36) NOT NULL,
    provider_id character varying(36) NOT NULL,
    plan_id character varying(36) NOT NULL,
    operation_id character varying(36),
    create_by character varying(36),
    extend_info text
);


--
-- Name: migrate_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.migrate_version (
    repository_id character varying(250) NOT NULL,
    repository_path text,
    version integer
);


--
-- Name: operation_logs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.operation_logs (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean NOT NULL,
    id character varying(36) NOT NULL,
    project_id character varying(255) NOT NULL,
    operation_type character varying(255) NOT NULL,
    checkpoint_id character varying(36),
    plan_id character varying(36),
    provider_id character varying(36),
    restore_id character varying(36),
    scheduled_operation_id character varying(36),
    status character varying(64),
    started_at timestamp without time zone,
    ended_at timestamp without time zone,
    error_info text,
    extra_info text
);


--
-- Name: plans; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.plans (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean,
    id character varying(36) NOT NULL,
    name character varying(255),
    description character varying(255),
    provider_id character varying(36),
    project_id character varying(255),
    status character varying(64),
    parameters text
);


--
-- Name: quota_classes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.quota_classes (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean,
    id integer NOT NULL,
    class_name character varying(255) NOT NULL,
    resource character varying(255) NOT NULL,
    hard_limit integer
);


--
-- Name: quota_classes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.quota_classes_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: quota_classes_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.quota_classes_id_seq OWNED BY public.quota_classes.id;


--
-- Name: quota_usages; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.quota_usages (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean,
    id integer NOT NULL,
    project_id character varying(255) NOT NULL,
    resource character varying(255) NOT NULL,
    in_use integer,
    reserved integer,
    until_refresh integer
);


--
-- Name: quota_usages_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.quota_usages_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: quota_usages_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.quota_usages_id_seq OWNED BY public.quota_usages.id;


--
-- Name: quotas; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.quotas (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean,
    id integer NOT NULL,
    project_id character varying(255) NOT NULL,
    resource character varying(255) NOT NULL,
    hard_limit integer
);


--
-- Name: quotas_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.quotas_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: quotas_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.quotas_id_seq OWNED BY public.quotas.id;


--
-- Name: reservations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reservations (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean,
    id integer NOT NULL,
    uuid character varying(36) NOT NULL,
    usage_id integer NOT NULL,
    project_id character varying(255),
    resource character varying(255),
    delta integer NOT NULL,
    expire timestamp without time zone
);


--
-- Name: reservations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.reservations_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: reservations_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.reservations_id_seq OWNED BY public.reservations.id;


--
-- Name: resources; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resources (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean,
    id integer NOT NULL,
    plan_id character varying(36) NOT NULL,
    resource_id character varying(36),
    resource_type character varying(64),
    resource_name character varying(255),
    resource_extra_info text
);


--
-- Name: resources_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.resources_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: resources_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.resources_id_seq OWNED BY public.resources.id;


--
-- Name: restores; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.restores (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean,
    id character varying(36) NOT NULL,
    project_id character varying(255),
    provider_id character varying(36),
    checkpoint_id character varying(36),
    restore_target character varying(255),
    parameters text,
    status character varying(64),
    resources_status text,
    resources_reason text
);


--
-- Name: scheduled_operation_logs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.scheduled_operation_logs (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean NOT NULL,
    id integer NOT NULL,
    operation_id character varying(36) NOT NULL,
    expect_start_time timestamp without time zone,
    triggered_time timestamp without time zone,
    actual_start_time timestamp without time zone,
    end_time timestamp without time zone,
    state character varying(32) NOT NULL,
    extend_info text
);


--
-- Name: scheduled_operation_logs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.scheduled_operation_logs_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: scheduled_operation_logs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.scheduled_operation_logs_id_seq OWNED BY public.scheduled_operation_logs.id;


--
-- Name: scheduled_operation_states; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.scheduled_operation_states (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean NOT NULL,
    id integer NOT NULL,
    operation_id character varying(36) NOT NULL,
    service_id integer NOT NULL,
    trust_id character varying(64) NOT NULL,
    state character varying(32) NOT NULL,
    end_time_for_run timestamp without time zone
);


--
-- Name: scheduled_operation_states_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.scheduled_operation_states_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: scheduled_operation_states_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.scheduled_operation_states_id_seq OWNED BY public.scheduled_operation_states.id;


--
-- Name: scheduled_operations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.scheduled_operations (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean NOT NULL,
    id character varying(36) NOT NULL,
    name character varying(255) NOT NULL,
    description character varying(255),
    operation_type character varying(64) NOT NULL,
    user_id character varying(64) NOT NULL,
    project_id character varying(255) NOT NULL,
    trigger_id character varying(36) NOT NULL,
    operation_definition text NOT NULL,
    enabled boolean NOT NULL
);


--
-- Name: services; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.services (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean,
    id integer NOT NULL,
    host character varying(255),
    "binary" character varying(255),
    topic character varying(255),
    report_count integer NOT NULL,
    disabled boolean,
    disabled_reason character varying(255),
    modified_at timestamp without time zone,
    rpc_current_version character varying(36),
    rpc_available_version character varying(36)
);


--
-- Name: services_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.services_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: services_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.services_id_seq OWNED BY public.services.id;


--
-- Name: trigger_executions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trigger_executions (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean NOT NULL,
    id character varying(36) NOT NULL,
    trigger_id character varying(36) NOT NULL,
    execution_time timestamp without time zone NOT NULL
);


--
-- Name: triggers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.triggers (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean NOT NULL,
    id character varying(36) NOT NULL,
    name character varying(255) NOT NULL,
    project_id character varying(255) NOT NULL,
    type character varying(64) NOT NULL,
    properties text NOT NULL
);


--
-- Name: verifications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.verifications (
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    deleted_at timestamp without time zone,
    deleted boolean,
    id character varying(36) NOT NULL,
    project_id character varying(255) NOT NULL,
    provider_id character varying(36) NOT NULL,
    checkpoint_id character varying(36) NOT NULL,
    status character varying(64),
    parameters text,
    resources_status text,
    resources_reason text
);


--
-- Name: quota_classes id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.quota_classes ALTER COLUMN id SET DEFAULT nextval('public.quota_classes_id_seq'::regclass);


--
-- Name: quota_usages id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.quota_usages ALTER COLUMN id SET DEFAULT nextval('public.quota_usages_id_seq'::regclass);


--
-- Name: quotas id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.quotas ALTER COLUMN id SET DEFAULT nextval('public.quotas_id_seq'::regclass);


--
-- Name: reservations id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reservations ALTER COLUMN id SET DEFAULT nextval('public.reservations_id_seq'::regclass);


--
-- Name: resources id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resources ALTER COLUMN id SET DEFAULT nextval('public.resources_id_seq'::regclass);


--
-- Name: scheduled_operation_logs id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scheduled_operation_logs ALTER COLUMN id SET DEFAULT nextval('public.scheduled_operation_logs_id_seq'::regclass);


--
-- Name: scheduled_operation_states id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scheduled_operation_states ALTER COLUMN id SET DEFAULT nextval('public.scheduled_operation_states_id_seq'::regclass);


--
-- Name: services id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.services ALTER COLUMN id SET DEFAULT nextval('public.services_id_seq'::regclass);


--
-- Data for Name: checkpoint_records; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.checkpoint_records (created_at, updated_at, deleted_at, deleted, id, project_id, checkpoint_id, checkpoint_status, provider_id, plan_id, operation_id, create_by, extend_info) FROM stdin;
\.


--
-- Data for Name: migrate_version; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.migrate_version (repository_id, repository_path, version) FROM stdin;
karbor	/tmp/karbor-anchor/venv/lib/python3.11/site-packages/karbor/db/sqlalchemy/migrate_repo	3
\.


--
-- Data for Name: operation_logs; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.operation_logs (created_at, updated_at, deleted_at, deleted, id, project_id, operation_type, checkpoint_id, plan_id, provider_id, restore_id, scheduled_operation_id, status, started_at, ended_at, error_info, extra_info) FROM stdin;
2026-12-06 17:21:13.73609	2026-12-06 17:21:14.064865	\N	f	23a6a3dd-8970-470a-ae07-ce692ba99b94	demo	protect	ff1568fd-dedf-44dc-8e31-f8f755c94f80	d72ee3ba-e9cc-4898-8b3b-ca7aadaf4a44	b766f37c-d011-4026-8228-28730d734a3f	\N	\N	available	2026-12-06 17:21:13.709997	2026-12-06 17:21:14.048357	\N	\N
2026-12-06 17:21:15.359467	2026-12-06 17:21:15.424	\N	f	94b12c2e-797f-412b-858b-2dd877ffe5d2	demo	protect	e2b2d848-f2b4-471b-a678-0f2b33bb63ec	20dee303-a615-4eb9-b55d-a489e24bb4c2	b766f37c-d011-4026-8228-28730d734a3f	\N	\N	available	2026-12-06 17:21:15.35178	2026-12-06 17:21:15.419726	\N	\N
2026-12-06 17:21:15.65572	2026-12-06 17:21:15.853522	\N	f	a922b3c3-7e28-481f-8aaf-4c1cc01cd45f	demo	protect	8a7cefa2-34e3-4167-a33d-51e00006fa97	20dee303-a615-4eb9-b55d-a489e24bb4c2	b766f37c-d011-4026-8228-28730d734a3f	\N	\N	available	2026-12-06 17:21:15.632201	2026-12-06 17:21:15.836324	\N	\N
2026-12-06 17:21:19.073406	2026-12-06 17:21:19.176713	\N	f	c775c926-0477-4fb4-baae-efaa66383c03	demo	protect	8a7cefa2-34e3-4167-a33d-51e00006fa97	20dee303-a615-4eb9-b55d-a489e24bb4c2	b766f37c-d011-4026-8228-28730d734a3f	\N	\N	deleted	2026-12-06 17:21:19.058245	2026-12-06 17:21:19.141951	\N	\N
2026-12-06 17:21:21.375349	\N	\N	f	96fa58ac-ae09-4448-997f-4b6cb1a39088	demo	verify	ff1568fd-dedf-44dc-8e31-f8f755c94f80	\N	b766f37c-d011-4026-8228-28730d734a3f	\N	\N	in_progress	2026-12-06 17:21:21.371134	\N	\N	\N
2026-12-06 17:21:21.270938	2026-12-06 17:21:21.553158	\N	f	90cf521a-9724-467b-895f-fa8d0cacc99a	demo	restore	ff1568fd-dedf-44dc-8e31-f8f755c94f80	\N	b766f37c-d011-4026-8228-28730d734a3f	d16a057d-63bf-4427-a8a2-c0798c6f4d8e	\N	success	2026-12-06 17:21:21.258995	2026-12-06 17:21:21.535381	\N	\N
\.


--
-- Data for Name: plans; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.plans (created_at, updated_at, deleted_at, deleted, id, name, description, provider_id, project_id, status, parameters) FROM stdin;
2026-12-06 17:21:12.523768	\N	\N	f	d72ee3ba-e9cc-4898-8b3b-ca7aadaf4a44	p1	\N	b766f37c-d011-4026-8228-28730d734a3f	demo	suspended	{}
2026-12-06 17:21:12.706925	\N	\N	f	20dee303-a615-4eb9-b55d-a489e24bb4c2	p2	second	b766f37c-d011-4026-8228-28730d734a3f	demo	suspended	{}
2026-12-06 17:21:13.103106	\N	2026-12-06 17:21:13.451552	t	6c4eca42-7b28-4b8c-9047-7b1c4c12cf73	gone	\N	b766f37c-d011-4026-8228-28730d734a3f	demo	suspended	{}
\.


--
-- Data for Name: quota_classes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.quota_classes (created_at, updated_at, deleted_at, deleted, id, class_name, resource, hard_limit) FROM stdin;
2026-12-06 17:21:21.555313	\N	\N	f	1	default	plans	40
\.


--
-- Data for Name: quota_usages; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.quota_usages (created_at, updated_at, deleted_at, deleted, id, project_id, resource, in_use, reserved, until_refresh) FROM stdin;
2026-12-06 17:21:12.51485	2026-12-06 17:21:13.515312	\N	f	1	demo	plans	2	0	\N
2026-12-06 17:21:13.680117	2026-12-06 17:21:19.148217	\N	f	2	demo	checkpoints	2	0	\N
\.


--
-- Data for Name: quotas; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.quotas (created_at, updated_at, deleted_at, deleted, id, project_id, resource, hard_limit) FROM stdin;
2026-12-06 16:00:00	\N	2026-12-06 16:30:00	t	1	demo	plans	10
2026-12-06 16:30:00	\N	\N	f	2	demo	plans	30
\.


--
-- Data for Name: reservations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.reservations (created_at, updated_at, deleted_at, deleted, id, uuid, usage_id, project_id, resource, delta, expire) FROM stdin;
2026-12-06 17:21:12.516443	2026-12-06 17:21:12.537689	2026-12-06 17:21:12.537372	t	1	08edf1d9-a1ea-4500-b87a-fd1479d67cc4	1	demo	plans	1	2026-12-07 17:21:12.483102
2026-12-06 17:21:12.672829	2026-12-06 17:21:12.739093	2026-12-06 17:21:12.738872	t	2	2f90cc68-660c-4fd7-9adf-1bd98a4a1716	1	demo	plans	1	2026-12-07 17:21:12.665141
2026-12-06 17:21:13.063473	2026-12-06 17:21:13.178882	2026-12-06 17:21:13.171257	t	3	248d2850-fd07-4a9e-8045-45f917fb9b84	1	demo	plans	1	2026-12-07 17:21:13.019997
2026-12-06 17:21:13.489804	2026-12-06 17:21:13.513436	2026-12-06 17:21:13.513239	t	4	1815633c-b457-44ae-9140-9290c929181a	1	demo	plans	-1	2026-12-07 17:21:13.47085
2026-12-06 17:21:13.682611	2026-12-06 17:21:13.981099	2026-12-06 17:21:13.974965	t	5	8807b42d-4edf-4780-940a-90a224db0a03	2	demo	checkpoints	1	2026-12-07 17:21:13.651465
2026-12-06 17:21:14.23918	2026-12-06 17:21:15.439137	2026-12-06 17:21:15.438873	t	6	7bd7aa78-821b-4a5a-8144-bd010f86a454	2	demo	checkpoints	1	2026-12-07 17:21:14.231276
2026-12-06 17:21:15.594429	2026-12-06 17:21:15.767679	2026-12-06 17:21:15.767464	t	7	df24d3e8-0d0f-4a3b-97b4-b06dc92891cc	2	demo	checkpoints	1	2026-12-07 17:21:15.573542
2026-12-06 17:21:19.13895	2026-12-06 17:21:19.146312	2026-12-06 17:21:19.146129	t	8	d27cde88-b34e-4dc8-8d79-5a14b5719a97	2	demo	checkpoints	-1	2026-12-07 17:21:19.088351
\.


--
-- Data for Name: resources; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.resources (created_at, updated_at, deleted_at, deleted, id, plan_id, resource_id, resource_type, resource_name, resource_extra_info) FROM stdin;
2026-12-06 17:21:12.524898	\N	\N	f	1	d72ee3ba-e9cc-4898-8b3b-ca7aadaf4a44	11111111-1111-1111-1111-111111111111	OS::Cinder::Volume	vol1	{"k": "v"}
2026-12-06 17:21:12.707553	\N	\N	f	2	20dee303-a615-4eb9-b55d-a489e24bb4c2	22222222-2222-2222-2222-222222222222	OS::Nova::Server	vm	\N
2026-12-06 17:21:13.103518	\N	2026-12-06 17:21:13.451552	t	3	6c4eca42-7b28-4b8c-9047-7b1c4c12cf73	33333333-3333-3333-3333-333333333333	OS::Cinder::Volume	v3	\N
\.


--
-- Data for Name: restores; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.restores (created_at, updated_at, deleted_at, deleted, id, project_id, provider_id, checkpoint_id, restore_target, parameters, status, resources_status, resources_reason) FROM stdin;
2026-12-06 17:21:21.239866	2026-12-06 17:21:21.529625	\N	f	d16a057d-63bf-4427-a8a2-c0798c6f4d8e	demo	b766f37c-d011-4026-8228-28730d734a3f	ff1568fd-dedf-44dc-8e31-f8f755c94f80	\N	\N	success	\N	\N
\.


--
-- Data for Name: scheduled_operation_logs; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scheduled_operation_logs (created_at, updated_at, deleted_at, deleted, id, operation_id, expect_start_time, triggered_time, actual_start_time, end_time, state, extend_info) FROM stdin;
2026-12-06 16:00:00	2026-12-06 16:00:05	\N	f	1	c3c3c3c3-0000-4000-8000-000000000001	2026-12-06 16:00:00	2026-12-06 16:00:00	2026-12-06 16:00:01	2026-12-06 16:00:05	success	\N
\.


--
-- Data for Name: scheduled_operation_states; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scheduled_operation_states (created_at, updated_at, deleted_at, deleted, id, operation_id, service_id, trust_id, state, end_time_for_run) FROM stdin;
2026-12-06 17:00:02	2026-12-06 17:00:03	\N	f	1	c3c3c3c3-0000-4000-8000-000000000001	1	5d8ef0b2c6d14a5c9e3f7a1b2c3d4e5f	registered	\N
\.


--
-- Data for Name: scheduled_operations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scheduled_operations (created_at, updated_at, deleted_at, deleted, id, name, description, operation_type, user_id, project_id, trigger_id, operation_definition, enabled) FROM stdin;
2026-12-06 17:00:02	\N	\N	f	c3c3c3c3-0000-4000-8000-000000000001	nightly	keep 3	protect	admin	demo	a1a1a1a1-0000-4000-8000-000000000001	{"provider_id": "b766f37c-d011-4026-8228-28730d734a3f", "plan_id": "7d204cdf-9811-42e3-8378-42773f38573d", "max_backups": "3"}	t
\.


--
-- Data for Name: services; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.services (created_at, updated_at, deleted_at, deleted, id, host, "binary", topic, report_count, disabled, disabled_reason, modified_at, rpc_current_version, rpc_available_version) FROM stdin;
2026-12-06 17:21:05.845861	\N	\N	f	2	vm	karbor-operationengine	karbor-operationengine	0	f	\N	\N	\N	\N
2026-12-06 17:21:05.240989	2026-12-06 17:21:25.368966	\N	f	1	vm	karbor-protection	karbor-protection	2	f	\N	\N	\N	\N
\.


--
-- Data for Name: trigger_executions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.trigger_executions (created_at, updated_at, deleted_at, deleted, id, trigger_id, execution_time) FROM stdin;
2026-12-06 17:00:01	\N	\N	f	b2b2b2b2-0000-4000-8000-000000000001	a1a1a1a1-0000-4000-8000-000000000001	2026-12-06 18:00:00
\.


--
-- Data for Name: triggers; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.triggers (created_at, updated_at, deleted_at, deleted, id, name, project_id, type, properties) FROM stdin;
2026-12-06 17:00:00	\N	\N	f	a1a1a1a1-0000-4000-8000-000000000001	hourly	demo	time	{"pattern": "0 * * * *", "format": "crontab", "start_time": "2026-12-06 17:00:00", "window": "900"}
2026-12-05 10:00:00	2026-12-05 11:00:00	2026-12-05 11:00:00	t	a1a1a1a1-0000-4000-8000-000000000002	old	demo	time	{"pattern": "BEGIN:VEVENT\\nRRULE:FREQ=DAILY;\\nEND:VEVENT", "format": "calendar", "start_time": "2026-12-05 10:00:00", "window": "60"}
\.


--
-- Data for Name: verifications; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.verifications (created_at, updated_at, deleted_at, deleted, id, project_id, provider_id, checkpoint_id, status, parameters, resources_status, resources_reason) FROM stdin;
2026-12-06 17:21:21.34877	2026-12-06 17:21:21.431375	\N	f	427d9ce8-a36a-4ad8-bb41-0f212d15b1db	demo	b766f37c-d011-4026-8228-28730d734a3f	ff1568fd-dedf-44dc-8e31-f8f755c94f80	fail	\N	\N	\N
\.


--
-- Name: quota_classes_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.quota_classes_id_seq', 1, true);


--
-- Name: quota_usages_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.quota_usages_id_seq', 2, true);


--
-- Name: quotas_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.quotas_id_seq', 2, true);


--
-- Name: reservations_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.reservations_id_seq', 8, true);


--
-- Name: resources_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.resources_id_seq', 3, true);


--
-- Name: scheduled_operation_logs_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.scheduled_operation_logs_id_seq', 1, true);


--
-- Name: scheduled_operation_states_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.scheduled_operation_states_id_seq', 1, true);


--
-- Name: services_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.services_id_seq', 2, true);


--
-- Name: checkpoint_records checkpoint_records_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.checkpoint_records
    ADD CONSTRAINT checkpoint_records_pkey PRIMARY KEY (id);


--
-- Name: migrate_version migrate_version_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.migrate_version
    ADD CONSTRAINT migrate_version_pkey PRIMARY KEY (repository_id);


--
-- Name: operation_logs operation_logs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.operation_logs
    ADD CONSTRAINT operation_logs_pkey PRIMARY KEY (id);


--
-- Name: plans plans_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.plans
    ADD CONSTRAINT plans_pkey PRIMARY KEY (id);


--
-- Name: quota_classes quota_classes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.quota_classes
    ADD CONSTRAINT quota_classes_pkey PRIMARY KEY (id);


--
-- Name: quota_usages quota_usages_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.quota_usages
    ADD CONSTRAINT quota_usages_pkey PRIMARY KEY (id);


--
-- Name: quotas quotas_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.quotas
    ADD CONSTRAINT quotas_pkey PRIMARY KEY (id);


--
-- Name: reservations reservations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reservations
    ADD CONSTRAINT reservations_pkey PRIMARY KEY (id);


--
-- Name: resources resources_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resources
    ADD CONSTRAINT resources_pkey PRIMARY KEY (id);


--
-- Name: restores restores_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.restores
    ADD CONSTRAINT restores_pkey PRIMARY KEY (id);


--
-- Name: scheduled_operation_logs scheduled_operation_logs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scheduled_operation_logs
    ADD CONSTRAINT scheduled_operation_logs_pkey PRIMARY KEY (id);


--
-- Name: scheduled_operation_states scheduled_operation_states_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scheduled_operation_states
    ADD CONSTRAINT scheduled_operation_states_pkey PRIMARY KEY (id);


--
-- Name: scheduled_operations scheduled_operations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scheduled_operations
    ADD CONSTRAINT scheduled_operations_pkey PRIMARY KEY (id);


--
-- Name: services services_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.services
    ADD CONSTRAINT services_pkey PRIMARY KEY (id);


--
-- Name: trigger_executions trigger_executions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trigger_executions
    ADD CONSTRAINT trigger_executions_pkey PRIMARY KEY (id);


--
-- Name: triggers triggers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.triggers
    ADD CONSTRAINT triggers_pkey PRIMARY KEY (id);


--
-- Name: verifications verifications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.verifications
    ADD CONSTRAINT verifications_pkey PRIMARY KEY (id);


--
-- Name: ix_reservations_project_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_reservations_project_id ON public.reservations USING btree (project_id);


--
-- Name: ix_scheduled_operation_logs_operation_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_scheduled_operation_logs_operation_id ON public.scheduled_operation_logs USING btree (operation_id);


--
-- Name: ix_scheduled_operation_states_operation_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ix_scheduled_operation_states_operation_id ON public.scheduled_operation_states USING btree (operation_id);


--
-- Name: ix_scheduled_operations_trigger_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_scheduled_operations_trigger_id ON public.scheduled_operations USING btree (trigger_id);


--
-- Name: ix_trigger_executions_execution_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_trigger_executions_execution_time ON public.trigger_executions USING btree (execution_time);


--
-- Name: ix_trigger_executions_trigger_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ix_trigger_executions_trigger_id ON public.trigger_executions USING btree (trigger_id);


--
-- Name: reservations reservations_usage_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reservations
    ADD CONSTRAINT reservations_usage_id_fkey FOREIGN KEY (usage_id) REFERENCES public.quota_usages(id);


--
-- Name: resources resources_plan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resources
    ADD CONSTRAINT resources_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.plans(id);


--
-- Name: scheduled_operation_logs scheduled_operation_logs_operation_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scheduled_operation_logs
    ADD CONSTRAINT scheduled_operation_logs_operation_id_fkey FOREIGN KEY (operation_id) REFERENCES public.scheduled_operations(id) ON DELETE CASCADE;


--
-- Name: scheduled_operation_states scheduled_operation_states_operation_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scheduled_operation_states
    ADD CONSTRAINT scheduled_operation_states_operation_id_fkey FOREIGN KEY (operation_id) REFERENCES public.scheduled_operations(id) ON DELETE CASCADE;


--
-- Name: scheduled_operation_states scheduled_operation_states_service_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scheduled_operation_states
    ADD CONSTRAINT scheduled_operation_states_service_id_fkey FOREIGN KEY (service_id) REFERENCES public.services(id);


--
-- Name: scheduled_operations scheduled_operations_trigger_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scheduled_operations
    ADD CONSTRAINT scheduled_operations_trigger_id_fkey FOREIGN KEY (trigger_id) REFERENCES public.triggers(id);


--
-- PostgreSQL database dump complete
--

\unrestrict jqrKuRzBZXTL2RtEBdQuhsyGoAOHG7YjLDPPgH8gB2iRKfNcgsaOYH8GdOMea2G

