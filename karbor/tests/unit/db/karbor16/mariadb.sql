/*M!999999\- enable the sandbox mode */ 

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;
DROP TABLE IF EXISTS `checkpoint_records`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `checkpoint_records` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) NOT NULL,
  `id` varchar(36) NOT NULL,
  `project_id` varchar(36) NOT NULL,
  `checkpoint_id` varchar(36) NOT NULL,
  `checkpoint_status` varchar(36) NOT NULL,
  `provider_id` varchar(36) NOT NULL,
  `plan_id` varchar(36) NOT NULL,
  `operation_id` varchar(36) DEFAULT NULL,
  `create_by` varchar(36) DEFAULT NULL,
  `extend_info` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `checkpoint_records` WRITE;
/*!40000 ALTER TABLE `checkpoint_records` DISABLE KEYS */;
/*!40000 ALTER TABLE `checkpoint_records` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `migrate_version`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `migrate_version` (
  `repository_id` varchar(250) NOT NULL,
  `repository_path` text DEFAULT NULL,
  `version` int(11) DEFAULT NULL,
  PRIMARY KEY (`repository_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `migrate_version` WRITE;
/*!40000 ALTER TABLE `migrate_version` DISABLE KEYS */;
INSERT INTO `migrate_version` VALUES
('karbor','/tmp/karbor-anchor/venv/lib/python3.11/site-packages/karbor/db/sqlalchemy/migrate_repo',3);
/*!40000 ALTER TABLE `migrate_version` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `operation_logs`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `operation_logs` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) NOT NULL,
  `id` varchar(36) NOT NULL,
  `project_id` varchar(255) NOT NULL,
  `operation_type` varchar(255) NOT NULL,
  `checkpoint_id` varchar(36) DEFAULT NULL,
  `plan_id` varchar(36) DEFAULT NULL,
  `provider_id` varchar(36) DEFAULT NULL,
  `restore_id` varchar(36) DEFAULT NULL,
  `scheduled_operation_id` varchar(36) DEFAULT NULL,
  `status` varchar(64) DEFAULT NULL,
  `started_at` datetime DEFAULT NULL,
  `ended_at` datetime DEFAULT NULL,
  `error_info` text DEFAULT NULL,
  `extra_info` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `operation_logs` WRITE;
/*!40000 ALTER TABLE `operation_logs` DISABLE KEYS */;
INSERT INTO `operation_logs` VALUES
('2026-12-06 17:20:25','2026-12-06 17:20:25',NULL,0,'6052666a-8882-42eb-be6a-a2183abb5975','demo','protect','323584b7-7ecb-4ca2-89c5-1e9606f8badd','6f26787d-f4aa-492c-a7bc-fee7706be185','b766f37c-d011-4026-8228-28730d734a3f',NULL,NULL,'available','2026-12-06 17:20:25','2026-12-06 17:20:25',NULL,NULL),
('2026-12-06 17:18:43',NULL,NULL,0,'7e118399-4448-4a9b-911e-2a0752e8f9c7','demo','verify','23321c80-897b-49b4-8448-9e140caf782f',NULL,'b766f37c-d011-4026-8228-28730d734a3f',NULL,NULL,'in_progress','2026-12-06 17:18:43',NULL,NULL,NULL),
('2026-12-06 17:20:28','2026-12-06 17:20:29',NULL,0,'839b330f-e884-40f5-a499-d285be782c79','demo','protect','323584b7-7ecb-4ca2-89c5-1e9606f8badd','6f26787d-f4aa-492c-a7bc-fee7706be185','b766f37c-d011-4026-8228-28730d734a3f',NULL,NULL,'deleted','2026-12-06 17:20:28','2026-12-06 17:20:28',NULL,NULL),
('2026-12-06 17:18:43','2026-12-06 17:18:43',NULL,0,'91913391-7f85-42be-be86-6bbda8aea9ac','demo','restore','23321c80-897b-49b4-8448-9e140caf782f',NULL,'b766f37c-d011-4026-8228-28730d734a3f','9e7e09be-7c2c-402e-b5d0-6469192388c8',NULL,'success','2026-12-06 17:18:43','2026-12-06 17:18:43',NULL,NULL),
('2026-12-06 17:09:25','2026-12-06 17:09:25',NULL,0,'9ae3ad22-94d2-4606-a3e7-0583d32a275f','demo','protect','23321c80-897b-49b4-8448-9e140caf782f','7d204cdf-9811-42e3-8378-42773f38573d','b766f37c-d011-4026-8228-28730d734a3f',NULL,NULL,'available','2026-12-06 17:09:25','2026-12-06 17:09:25',NULL,NULL),
('2026-12-06 17:20:25','2026-12-06 17:20:25',NULL,0,'9fda5876-6cee-4f9e-ae60-29d75e98bfed','demo','protect','7f312d90-b6f8-4355-b8fe-457e362d5aa6','6f26787d-f4aa-492c-a7bc-fee7706be185','b766f37c-d011-4026-8228-28730d734a3f',NULL,NULL,'available','2026-12-06 17:20:25','2026-12-06 17:20:25',NULL,NULL);
/*!40000 ALTER TABLE `operation_logs` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `plans`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `plans` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `id` varchar(36) NOT NULL,
  `name` varchar(255) DEFAULT NULL,
  `description` varchar(255) DEFAULT NULL,
  `provider_id` varchar(36) DEFAULT NULL,
  `project_id` varchar(255) DEFAULT NULL,
  `status` varchar(64) DEFAULT NULL,
  `parameters` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `plans` WRITE;
/*!40000 ALTER TABLE `plans` DISABLE KEYS */;
INSERT INTO `plans` VALUES
('2026-12-06 17:20:24',NULL,NULL,0,'6f26787d-f4aa-492c-a7bc-fee7706be185','p2','second','b766f37c-d011-4026-8228-28730d734a3f','demo','suspended','{}'),
('2026-12-06 17:09:25',NULL,NULL,0,'7d204cdf-9811-42e3-8378-42773f38573d','p1',NULL,'b766f37c-d011-4026-8228-28730d734a3f','demo','suspended','{}'),
('2026-12-06 17:20:24',NULL,'2026-12-06 17:20:24',1,'cb3fddb7-9225-42fd-b4db-e61169f34522','gone',NULL,'b766f37c-d011-4026-8228-28730d734a3f','demo','suspended','{}');
/*!40000 ALTER TABLE `plans` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `quota_classes`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `quota_classes` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `class_name` varchar(255) NOT NULL,
  `resource` varchar(255) NOT NULL,
  `hard_limit` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1))
) ENGINE=InnoDB AUTO_INCREMENT=2 DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `quota_classes` WRITE;
/*!40000 ALTER TABLE `quota_classes` DISABLE KEYS */;
INSERT INTO `quota_classes` VALUES
('2026-12-06 17:18:43',NULL,NULL,0,1,'default','plans',40);
/*!40000 ALTER TABLE `quota_classes` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `quota_usages`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `quota_usages` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `project_id` varchar(255) NOT NULL,
  `resource` varchar(255) NOT NULL,
  `in_use` int(11) DEFAULT NULL,
  `reserved` int(11) DEFAULT NULL,
  `until_refresh` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1))
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `quota_usages` WRITE;
/*!40000 ALTER TABLE `quota_usages` DISABLE KEYS */;
INSERT INTO `quota_usages` VALUES
('2026-12-06 17:09:25','2026-12-06 17:20:24',NULL,0,1,'demo','plans',2,0,NULL),
('2026-12-06 17:09:25','2026-12-06 17:20:28',NULL,0,2,'demo','checkpoints',2,0,NULL);
/*!40000 ALTER TABLE `quota_usages` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `quotas`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `quotas` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `project_id` varchar(255) NOT NULL,
  `resource` varchar(255) NOT NULL,
  `hard_limit` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1))
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `quotas` WRITE;
/*!40000 ALTER TABLE `quotas` DISABLE KEYS */;
INSERT INTO `quotas` VALUES
('2026-12-06 16:00:00',NULL,'2026-12-06 16:30:00',1,1,'demo','plans',10),
('2026-12-06 16:30:00',NULL,NULL,0,2,'demo','plans',30);
/*!40000 ALTER TABLE `quotas` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `reservations`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `reservations` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `uuid` varchar(36) NOT NULL,
  `usage_id` int(11) NOT NULL,
  `project_id` varchar(255) DEFAULT NULL,
  `resource` varchar(255) DEFAULT NULL,
  `delta` int(11) NOT NULL,
  `expire` datetime DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `usage_id` (`usage_id`),
  KEY `ix_reservations_project_id` (`project_id`),
  CONSTRAINT `reservations_ibfk_1` FOREIGN KEY (`usage_id`) REFERENCES `quota_usages` (`id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1))
) ENGINE=InnoDB AUTO_INCREMENT=9 DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `reservations` WRITE;
/*!40000 ALTER TABLE `reservations` DISABLE KEYS */;
INSERT INTO `reservations` VALUES
('2026-12-06 17:09:25','2026-12-06 17:09:25','2026-12-06 17:09:25',1,1,'7f2d6f01-9517-4b89-8b79-b869e3404cbf',1,'demo','plans',1,'2026-12-07 17:09:25'),
('2026-12-06 17:09:25','2026-12-06 17:09:25','2026-12-06 17:09:25',1,2,'cff4091a-db26-4f0f-96bd-9d68e120a434',2,'demo','checkpoints',1,'2026-12-07 17:09:25'),
('2026-12-06 17:20:24','2026-12-06 17:20:24','2026-12-06 17:20:24',1,3,'f429a0dd-d98d-4c62-afab-04b1713be3cf',1,'demo','plans',1,'2026-12-07 17:20:24'),
('2026-12-06 17:20:24','2026-12-06 17:20:24','2026-12-06 17:20:24',1,4,'f61027fd-b72c-4222-817e-fa0664767029',1,'demo','plans',1,'2026-12-07 17:20:24'),
('2026-12-06 17:20:24','2026-12-06 17:20:24','2026-12-06 17:20:24',1,5,'95415807-71da-4484-a6a9-363b48a2613f',1,'demo','plans',-1,'2026-12-07 17:20:24'),
('2026-12-06 17:20:25','2026-12-06 17:20:25','2026-12-06 17:20:25',1,6,'92d783f9-1c74-4e97-84e6-7254b19a9047',2,'demo','checkpoints',1,'2026-12-07 17:20:25'),
('2026-12-06 17:20:25','2026-12-06 17:20:25','2026-12-06 17:20:25',1,7,'3f6f6785-785a-44ac-ab8e-ffdeb158583c',2,'demo','checkpoints',1,'2026-12-07 17:20:25'),
('2026-12-06 17:20:28','2026-12-06 17:20:28','2026-12-06 17:20:28',1,8,'6be60cfa-ac38-4d3a-8f4b-921b0f9d4f51',2,'demo','checkpoints',-1,'2026-12-07 17:20:28');
/*!40000 ALTER TABLE `reservations` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `resources`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `resources` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `plan_id` varchar(36) NOT NULL,
  `resource_id` varchar(36) DEFAULT NULL,
  `resource_type` varchar(64) DEFAULT NULL,
  `resource_name` varchar(255) DEFAULT NULL,
  `resource_extra_info` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `plan_id` (`plan_id`),
  CONSTRAINT `resources_ibfk_1` FOREIGN KEY (`plan_id`) REFERENCES `plans` (`id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1))
) ENGINE=InnoDB AUTO_INCREMENT=4 DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `resources` WRITE;
/*!40000 ALTER TABLE `resources` DISABLE KEYS */;
INSERT INTO `resources` VALUES
('2026-12-06 17:09:25',NULL,NULL,0,1,'7d204cdf-9811-42e3-8378-42773f38573d','11111111-1111-1111-1111-111111111111','OS::Cinder::Volume','vol1','{\"k\": \"v\"}'),
('2026-12-06 17:20:24',NULL,NULL,0,2,'6f26787d-f4aa-492c-a7bc-fee7706be185','22222222-2222-2222-2222-222222222222','OS::Nova::Server','vm',NULL),
('2026-12-06 17:20:24',NULL,'2026-12-06 17:20:24',1,3,'cb3fddb7-9225-42fd-b4db-e61169f34522','33333333-3333-3333-3333-333333333333','OS::Cinder::Volume','v3',NULL);
/*!40000 ALTER TABLE `resources` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `restores`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `restores` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `id` varchar(36) NOT NULL,
  `project_id` varchar(255) DEFAULT NULL,
  `provider_id` varchar(36) DEFAULT NULL,
  `checkpoint_id` varchar(36) DEFAULT NULL,
  `restore_target` varchar(255) DEFAULT NULL,
  `parameters` text DEFAULT NULL,
  `status` varchar(64) DEFAULT NULL,
  `resources_status` text DEFAULT NULL,
  `resources_reason` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `restores` WRITE;
/*!40000 ALTER TABLE `restores` DISABLE KEYS */;
INSERT INTO `restores` VALUES
('2026-12-06 17:18:43','2026-12-06 17:18:43',NULL,0,'9e7e09be-7c2c-402e-b5d0-6469192388c8','demo','b766f37c-d011-4026-8228-28730d734a3f','23321c80-897b-49b4-8448-9e140caf782f',NULL,NULL,'success',NULL,NULL);
/*!40000 ALTER TABLE `restores` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `scheduled_operation_logs`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `scheduled_operation_logs` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) NOT NULL,
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `operation_id` varchar(36) NOT NULL,
  `expect_start_time` datetime DEFAULT NULL,
  `triggered_time` datetime DEFAULT NULL,
  `actual_start_time` datetime DEFAULT NULL,
  `end_time` datetime DEFAULT NULL,
  `state` varchar(32) NOT NULL,
  `extend_info` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ix_scheduled_operation_logs_operation_id` (`operation_id`),
  CONSTRAINT `scheduled_operation_logs_ibfk_1` FOREIGN KEY (`operation_id`) REFERENCES `scheduled_operations` (`id`) ON DELETE CASCADE,
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1))
) ENGINE=InnoDB AUTO_INCREMENT=2 DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `scheduled_operation_logs` WRITE;
/*!40000 ALTER TABLE `scheduled_operation_logs` DISABLE KEYS */;
INSERT INTO `scheduled_operation_logs` VALUES
('2026-12-06 16:00:00','2026-12-06 16:00:05',NULL,0,1,'c3c3c3c3-0000-4000-8000-000000000001','2026-12-06 16:00:00','2026-12-06 16:00:00','2026-12-06 16:00:01','2026-12-06 16:00:05','success',NULL);
/*!40000 ALTER TABLE `scheduled_operation_logs` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `scheduled_operation_states`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `scheduled_operation_states` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) NOT NULL,
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `operation_id` varchar(36) NOT NULL,
  `service_id` int(11) NOT NULL,
  `trust_id` varchar(64) NOT NULL,
  `state` varchar(32) NOT NULL,
  `end_time_for_run` datetime DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `ix_scheduled_operation_states_operation_id` (`operation_id`),
  KEY `service_id` (`service_id`),
  CONSTRAINT `scheduled_operation_states_ibfk_1` FOREIGN KEY (`operation_id`) REFERENCES `scheduled_operations` (`id`) ON DELETE CASCADE,
  CONSTRAINT `scheduled_operation_states_ibfk_2` FOREIGN KEY (`service_id`) REFERENCES `services` (`id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1))
) ENGINE=InnoDB AUTO_INCREMENT=2 DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `scheduled_operation_states` WRITE;
/*!40000 ALTER TABLE `scheduled_operation_states` DISABLE KEYS */;
INSERT INTO `scheduled_operation_states` VALUES
('2026-12-06 17:00:02','2026-12-06 17:00:03',NULL,0,1,'c3c3c3c3-0000-4000-8000-000000000001',1,'5d8ef0b2c6d14a5c9e3f7a1b2c3d4e5f','registered',NULL);
/*!40000 ALTER TABLE `scheduled_operation_states` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `scheduled_operations`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `scheduled_operations` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) NOT NULL,
  `id` varchar(36) NOT NULL,
  `name` varchar(255) NOT NULL,
  `description` varchar(255) DEFAULT NULL,
  `operation_type` varchar(64) NOT NULL,
  `user_id` varchar(64) NOT NULL,
  `project_id` varchar(255) NOT NULL,
  `trigger_id` varchar(36) NOT NULL,
  `operation_definition` text NOT NULL,
  `enabled` tinyint(1) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `ix_scheduled_operations_trigger_id` (`trigger_id`),
  CONSTRAINT `scheduled_operations_ibfk_1` FOREIGN KEY (`trigger_id`) REFERENCES `triggers` (`id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1)),
  CONSTRAINT `CONSTRAINT_2` CHECK (`enabled` in (0,1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `scheduled_operations` WRITE;
/*!40000 ALTER TABLE `scheduled_operations` DISABLE KEYS */;
INSERT INTO `scheduled_operations` VALUES
('2026-12-06 17:00:02',NULL,NULL,0,'c3c3c3c3-0000-4000-8000-000000000001','nightly','keep 3','protect','admin','demo','a1a1a1a1-0000-4000-8000-000000000001','{\"provider_id\": \"b766f37c-d011-4026-8228-28730d734a3f\", \"plan_id\": \"7d204cdf-9811-42e3-8378-42773f38573d\", \"max_backups\": \"3\"}',1);
/*!40000 ALTER TABLE `scheduled_operations` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `services`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `services` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `host` varchar(255) DEFAULT NULL,
  `binary` varchar(255) DEFAULT NULL,
  `topic` varchar(255) DEFAULT NULL,
  `report_count` int(11) NOT NULL,
  `disabled` tinyint(1) DEFAULT NULL,
  `disabled_reason` varchar(255) DEFAULT NULL,
  `modified_at` datetime DEFAULT NULL,
  `rpc_current_version` varchar(36) DEFAULT NULL,
  `rpc_available_version` varchar(36) DEFAULT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1)),
  CONSTRAINT `CONSTRAINT_2` CHECK (`disabled` in (0,1))
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `services` WRITE;
/*!40000 ALTER TABLE `services` DISABLE KEYS */;
INSERT INTO `services` VALUES
('2026-12-06 17:08:19','2026-12-06 17:20:40',NULL,0,1,'vm','karbor-operationengine','karbor-operationengine',74,0,NULL,NULL,NULL,NULL),
('2026-12-06 17:08:22','2026-12-06 17:20:33',NULL,0,2,'vm','karbor-protection','karbor-protection',73,0,NULL,NULL,NULL,NULL);
/*!40000 ALTER TABLE `services` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `trigger_executions`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `trigger_executions` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) NOT NULL,
  `id` varchar(36) NOT NULL,
  `trigger_id` varchar(36) NOT NULL,
  `execution_time` datetime NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `ix_trigger_executions_trigger_id` (`trigger_id`),
  KEY `ix_trigger_executions_execution_time` (`execution_time`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `trigger_executions` WRITE;
/*!40000 ALTER TABLE `trigger_executions` DISABLE KEYS */;
INSERT INTO `trigger_executions` VALUES
('2026-12-06 17:00:01',NULL,NULL,0,'b2b2b2b2-0000-4000-8000-000000000001','a1a1a1a1-0000-4000-8000-000000000001','2026-12-06 18:00:00');
/*!40000 ALTER TABLE `trigger_executions` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `triggers`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `triggers` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) NOT NULL,
  `id` varchar(36) NOT NULL,
  `name` varchar(255) NOT NULL,
  `project_id` varchar(255) NOT NULL,
  `type` varchar(64) NOT NULL,
  `properties` text NOT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `triggers` WRITE;
/*!40000 ALTER TABLE `triggers` DISABLE KEYS */;
INSERT INTO `triggers` VALUES
('2026-12-06 17:00:00',NULL,NULL,0,'a1a1a1a1-0000-4000-8000-000000000001','hourly','demo','time','{\"pattern\": \"0 * * * *\", \"format\": \"crontab\", \"start_time\": \"2026-12-06 17:00:00\", \"window\": \"900\"}'),
('2026-12-05 10:00:00','2026-12-05 11:00:00','2026-12-05 11:00:00',1,'a1a1a1a1-0000-4000-8000-000000000002','old','demo','time','{\"pattern\": \"BEGIN:VEVENT\nRRULE:FREQ=DAILY;\nEND:VEVENT\", \"format\": \"calendar\", \"start_time\": \"2026-12-05 10:00:00\", \"window\": \"60\"}');
/*!40000 ALTER TABLE `triggers` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `verifications`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `verifications` (
  `created_at` datetime DEFAULT NULL,
  `updated_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT NULL,
  `id` varchar(36) NOT NULL,
  `project_id` varchar(255) NOT NULL,
  `provider_id` varchar(36) NOT NULL,
  `checkpoint_id` varchar(36) NOT NULL,
  `status` varchar(64) DEFAULT NULL,
  `parameters` text DEFAULT NULL,
  `resources_status` text DEFAULT NULL,
  `resources_reason` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`deleted` in (0,1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `verifications` WRITE;
/*!40000 ALTER TABLE `verifications` DISABLE KEYS */;
INSERT INTO `verifications` VALUES
('2026-12-06 17:18:43','2026-12-06 17:18:43',NULL,0,'27b0da0b-3ffd-40d6-89dc-f2c3e6efc635','demo','b766f37c-d011-4026-8228-28730d734a3f','23321c80-897b-49b4-8448-9e140caf782f','fail',NULL,NULL,NULL);
/*!40000 ALTER TABLE `verifications` ENABLE KEYS */;
UNLOCK TABLES;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

