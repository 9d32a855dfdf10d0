-- The platform's own id of an invite link Chorus made, where withdrawing it needs that id rather
-- than the link: a WeCom join way's config_id (externalcontact/groupchat/del_join_way), so a lead
-- group's close withdraws its join QR codes (docs/growth-lead-groups.md).
ALTER TABLE group_invite_links ADD COLUMN platform_ref text;
